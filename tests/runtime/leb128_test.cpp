#include <doctest/doctest.h>

#include <vector>

#include "runtime/decode/reader.h"
#include "support/leb128.h"

using namespace wasmrun;
using wasm::DecodeError;
using wasm::Reader;

namespace {

Reader reader_of(const std::vector<uint8_t>& bytes) { return Reader(bytes.data(), bytes.data() + bytes.size()); }

std::string error_of(const std::vector<uint8_t>& bytes, auto read) {
  Reader r = reader_of(bytes);
  try {
    read(r);
  } catch (const DecodeError& e) {
    return e.message;
  }
  return "";
}

}  // namespace

TEST_CASE("unsigned LEB128 decodes minimal and padded forms") {
  std::vector<uint8_t> one{0x05}, padded{0x85, 0x80, 0x80, 0x80, 0x00}, max{0xff, 0xff, 0xff, 0xff, 0x0f};
  CHECK(reader_of(one).u32() == 5);
  CHECK(reader_of(padded).u32() == 5);
  CHECK(reader_of(max).u32() == 0xFFFFFFFFu);
}

TEST_CASE("unsigned LEB128 rejects overlong and oversized encodings") {
  auto u32 = [](Reader& r) { r.u32(); };
  CHECK(error_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, u32) == "integer representation too long");
  CHECK(error_of({0xff, 0xff, 0xff, 0xff, 0x1f}, u32) == "integer too large");
  CHECK(error_of({0x80, 0x80}, u32) == "unexpected end");
  auto u64 = [](Reader& r) { r.u64(); };
  CHECK(error_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, u64) == "integer too large");
  CHECK(error_of({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, u64).empty());
}

TEST_CASE("signed LEB128 sign-extends and checks unused bits") {
  std::vector<uint8_t> minus_one{0x7f}, min32{0x80, 0x80, 0x80, 0x80, 0x78}, minus_one_padded{0xff, 0xff, 0xff, 0xff, 0x7f};
  CHECK(reader_of(minus_one).s32() == -1);
  CHECK(reader_of(min32).s32() == INT32_MIN);
  CHECK(reader_of(minus_one_padded).s32() == -1);
  auto s32 = [](Reader& r) { r.s32(); };
  CHECK(error_of({0x80, 0x80, 0x80, 0x80, 0x70}, s32) == "integer too large");  // positive with sign-bit noise
  CHECK(error_of({0xff, 0xff, 0xff, 0xff, 0x0f}, s32) == "integer too large");  // negative bits unused bits clear
  auto s64 = [](Reader& r) { r.s64(); };
  CHECK(error_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, s64).empty());
  CHECK(error_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, s64) == "integer too large");
}

TEST_CASE("s33 block types accept negative value-type codes and type indices") {
  std::vector<uint8_t> empty{0x40}, i32{0x7f}, index{0x80, 0x01};
  CHECK(reader_of(empty).s33() == -64);
  CHECK(reader_of(i32).s33() == -1);
  CHECK(reader_of(index).s33() == 128);
}

TEST_CASE("LEB128 writers round-trip through the reader") {
  for (int64_t v : {int64_t(0), int64_t(1), int64_t(-1), int64_t(63), int64_t(64), int64_t(-64), int64_t(-65),
                    int64_t(INT32_MIN), int64_t(INT64_MAX), int64_t(INT64_MIN)}) {
    std::vector<uint8_t> bytes;
    write_sleb128(bytes, v);
    CHECK(reader_of(bytes).s64() == v);
  }
  for (uint64_t v : {uint64_t(0), uint64_t(127), uint64_t(128), uint64_t(UINT32_MAX), UINT64_MAX}) {
    std::vector<uint8_t> bytes;
    write_uleb128(bytes, v);
    CHECK(reader_of(bytes).u64() == v);
  }
}

TEST_CASE("names must be valid UTF-8") {
  CHECK(wasm::is_valid_utf8("h\xc3\xa9llo"));
  CHECK_FALSE(wasm::is_valid_utf8("\xc0\x80"));          // overlong NUL
  CHECK_FALSE(wasm::is_valid_utf8("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(wasm::is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(wasm::is_valid_utf8("\xe2\x82"));          // truncated
  std::vector<uint8_t> bad_name{0x02, 0xc3, 0x28};
  CHECK(error_of(bad_name, [](Reader& r) { r.name(); }) == "malformed UTF-8 encoding");
}
