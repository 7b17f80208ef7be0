#include <doctest/doctest.h>

#include <cerrno>

#include "wasi/preview1/fd_table.h"
#include "wasi/preview1/guest_memory.h"

using namespace wasmrun::wasi::preview1;

namespace {
Descriptor with_rights(Rights rights) {
  Descriptor d;
  d.base = rights;
  return d;
}
}  // namespace

TEST_CASE("descriptors take the lowest free number") {
  FdTable t;
  uint32_t fd = 99;
  REQUIRE(t.insert(with_rights(0), fd) == Errno::Success);
  CHECK(fd == 0);
  REQUIRE(t.insert(with_rights(0), fd) == Errno::Success);
  CHECK(fd == 1);
  REQUIRE(t.insert(with_rights(0), fd) == Errno::Success);
  CHECK(t.close(1) == Errno::Success);
  CHECK(t.close(1) == Errno::BadF);
  REQUIRE(t.insert(with_rights(0), fd) == Errno::Success);
  CHECK(fd == 1);
}

TEST_CASE("rights and renumbering") {
  FdTable t;
  uint32_t a = 0, b = 0;
  REQUIRE(t.insert(with_rights(right::kFdRead), a) == Errno::Success);
  REQUIRE(t.insert(with_rights(right::kFdWrite), b) == Errno::Success);
  Descriptor* d = nullptr;
  CHECK(t.get(a, right::kFdRead, d) == Errno::Success);
  CHECK(t.get(a, right::kFdWrite, d) == Errno::NotCapable);
  CHECK(t.get(7, 0, d) == Errno::BadF);
  CHECK(t.renumber(a, b) == Errno::Success);
  CHECK(t.get(a, 0, d) == Errno::BadF);
  REQUIRE(t.get(b, right::kFdRead, d) == Errno::Success);  // b now holds what a held
  CHECK(t.renumber(b, 5) == Errno::BadF);
  CHECK(t.renumber(b, b) == Errno::Success);
  CHECK(t.size() == 1);
}

TEST_CASE("host errno values map to preview1's") {
  CHECK(errno_from_host(ENOENT) == Errno::NoEnt);
  CHECK(errno_from_host(EEXIST) == Errno::Exist);
  CHECK(errno_from_host(ELOOP) == Errno::Loop);
  CHECK(errno_from_host(ENOTEMPTY) == Errno::NotEmpty);
  CHECK(errno_from_host(0) == Errno::Success);
  CHECK(uint16_t(Errno::NotCapable) == 76);
}

TEST_CASE("guest memory refuses every access past its end") {
  uint8_t bytes[64] = {};
  GuestMemory m(bytes, sizeof bytes);
  uint32_t v = 0;
  CHECK(m.load(60, v) == Errno::Success);
  CHECK(m.load(61, v) == Errno::Fault);
  CHECK(m.store<uint64_t>(56, 1) == Errno::Success);
  CHECK(m.store<uint64_t>(57, 1) == Errno::Fault);
  std::span<uint8_t> s;
  CHECK(m.bytes(0xffffffffu, 2, s) == Errno::Fault);  // no 32-bit wrap-around
  CHECK(m.bytes(64, 0, s) == Errno::Success);
  CHECK(m.bytes(0, 65, s) == Errno::Fault);
}
