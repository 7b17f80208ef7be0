// The preview1 functions called directly, on a byte array standing in for linear memory.
#include <doctest/doctest.h>

#include <algorithm>
#include <ctime>
#include <vector>

#include "tests/wasi/fixture.h"
#include "wasi/preview1/host_functions.h"

using namespace wasmrun::wasi::preview1;

namespace {

struct Guest {
  TreeFixture tree;
  std::vector<uint8_t> memory = std::vector<uint8_t>(65536);
  std::shared_ptr<Context> ctx;
  int pipe_fds[2] = {-1, -1};

  Guest() {
    REQUIRE(pipe(pipe_fds) == 0);
    Config config;
    config.args = {"prog", "arg"};
    config.env = {"A=1"};
    config.preopens = {{tree.box.string(), "/box"}};
    config.stdin_fd = -1;
    config.stdout_fd = pipe_fds[1];
    config.stderr_fd = -1;
    auto made = Context::create(config);
    REQUIRE(made.ok());
    ctx = made.take();
  }
  ~Guest() {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
  }
  Call call() { return Call{*ctx, GuestMemory(memory.data(), memory.size())}; }
  // Writes a string into memory at `at` and returns its length.
  uint32_t put(uint32_t at, std::string_view s) {
    std::memcpy(memory.data() + at, s.data(), s.size());
    return uint32_t(s.size());
  }
  template <class T>
  T get(uint32_t at) {
    T v;
    std::memcpy(&v, memory.data() + at, sizeof v);
    return v;
  }
};

}  // namespace

TEST_CASE("args and environment land in guest memory") {
  Guest g;
  Call c = g.call();
  REQUIRE(args_sizes_get(c, 0, 4) == Errno::Success);
  CHECK(g.get<uint32_t>(0) == 2);
  CHECK(g.get<uint32_t>(4) == 9);  // "prog\0arg\0"
  REQUIRE(args_get(c, 100, 200) == Errno::Success);
  CHECK(g.get<uint32_t>(100) == 200);
  CHECK(g.get<uint32_t>(104) == 205);
  CHECK(std::string(reinterpret_cast<char*>(g.memory.data() + 205)) == "arg");
  CHECK(environ_get(c, 100, 65535) == Errno::Fault);  // "A=1\0" runs past the end
}

TEST_CASE("fd_write gathers iovecs onto the host descriptor") {
  Guest g;
  Call c = g.call();
  uint32_t n1 = g.put(1000, "hello ");
  uint32_t n2 = g.put(2000, "world");
  uint32_t iovs[4] = {1000, n1, 2000, n2};
  std::memcpy(g.memory.data() + 100, iovs, sizeof iovs);
  REQUIRE(fd_write(c, 1, 100, 2, 200) == Errno::Success);
  CHECK(g.get<uint32_t>(200) == 11);
  char buf[32] = {};
  CHECK(read(g.pipe_fds[0], buf, sizeof buf) == 11);
  CHECK(std::string(buf) == "hello world");
  // An iovec pointing outside memory writes nothing.
  uint32_t bad[2] = {65530, 100};
  std::memcpy(g.memory.data() + 100, bad, sizeof bad);
  CHECK(fd_write(c, 1, 100, 1, 200) == Errno::Fault);
  CHECK(fd_write(c, 0, 100, 1, 200) == Errno::BadF);  // stdin is closed here
  CHECK(fd_write(c, 1, 65535, 1, 200) == Errno::Fault);
}

TEST_CASE("path_open and fd_read through the preopen") {
  Guest g;
  Call c = g.call();
  REQUIRE(fd_prestat_get(c, 3, 0) == Errno::Success);
  CHECK(g.get<uint32_t>(4) == 4);
  REQUIRE(fd_prestat_dir_name(c, 3, 16, 4) == Errno::Success);
  CHECK(std::string(reinterpret_cast<char*>(g.memory.data() + 16), 4) == "/box");
  CHECK(fd_prestat_dir_name(c, 3, 16, 3) == Errno::NameTooLong);
  CHECK(fd_prestat_get(c, 1, 0) == Errno::BadF);

  uint32_t len = g.put(300, "sub/f.txt");
  REQUIRE(path_open(c, 3, 0, 300, len, 0, right::kFdRead, 0, 0, 400) == Errno::Success);
  uint32_t fd = g.get<uint32_t>(400);
  CHECK(fd == 0);  // the lowest free number: stdin is closed here
  uint32_t iov[2] = {1000, 100};
  std::memcpy(g.memory.data() + 500, iov, sizeof iov);
  REQUIRE(fd_read(c, fd, 500, 1, 600) == Errno::Success);
  CHECK(std::string(reinterpret_cast<char*>(g.memory.data() + 1000), g.get<uint32_t>(600)) == "sub file");
  CHECK(fd_write(c, fd, 500, 1, 600) == Errno::NotCapable);  // opened without the write right
  len = g.put(300, "../outside.txt");
  CHECK(path_open(c, 3, 0, 300, len, 0, right::kFdRead, 0, 0, 400) == Errno::NotCapable);
  len = g.put(300, "escape");
  CHECK(path_open(c, 3, lookupflag::kSymlinkFollow, 300, len, 0, right::kFdRead, 0, 0, 400) == Errno::NotCapable);
  CHECK(path_open(c, 3, 0, 300, len, 0, right::kFdRead, 0, 0, 400) == Errno::Loop);
  CHECK(path_open(c, 3, 0, 65530, 100, 0, right::kFdRead, 0, 0, 400) == Errno::Fault);
}

TEST_CASE("fd_readdir resumes from a cookie when the buffer is small") {
  Guest g;
  Call c = g.call();
  std::vector<std::string> names;
  uint64_t cookie = 0;
  for (int guard = 0; guard < 100; ++guard) {
    REQUIRE(fd_readdir(c, 3, 1000, 40, cookie, 100) == Errno::Success);
    uint32_t used = g.get<uint32_t>(100);
    uint32_t at = 1000;
    bool any = false;
    while (at + layout::kDirentSize <= 1000 + used) {
      uint32_t namlen = g.get<uint32_t>(at + 16);
      if (at + layout::kDirentSize + namlen > 1000 + used) break;
      names.emplace_back(reinterpret_cast<char*>(g.memory.data() + at + layout::kDirentSize), namlen);
      cookie = g.get<uint64_t>(at);
      at += layout::kDirentSize + namlen;
      any = true;
    }
    if (used < 40) break;
    REQUIRE(any);
  }
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{".", "..", "abs", "dirlink", "escape", "file.txt", "loop", "sub"});
  CHECK(fd_readdir(c, 1, 1000, 40, 0, 100) == Errno::NotCapable);
}

TEST_CASE("poll_oneoff checks its arguments") {
  Guest g;
  Call c = g.call();
  CHECK(poll_oneoff(c, 0, 1000, 0, 100) == Errno::Inval);
  CHECK(poll_oneoff(c, 65500, 1000, 1, 100) == Errno::Fault);
  // One relative clock subscription of 1 ms.
  std::memset(g.memory.data(), 0, 48);
  uint64_t userdata = 42, timeout = 1'000'000;
  std::memcpy(g.memory.data(), &userdata, 8);
  std::memcpy(g.memory.data() + 24, &timeout, 8);
  REQUIRE(poll_oneoff(c, 0, 1000, 1, 100) == Errno::Success);
  CHECK(g.get<uint32_t>(100) == 1);
  CHECK(g.get<uint64_t>(1000) == 42);
  g.memory[8] = 9;  // an unknown event type
  CHECK(poll_oneoff(c, 0, 1000, 1, 100) == Errno::Inval);
}

uint64_t host_nanoseconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

TEST_CASE("clocks: realtime and monotonic read the host's clocks; monotonic never goes back") {
  Guest g;
  Call c = g.call();
  constexpr uint64_t kSlack = 1000000000;  // 1 s: the host and the guest read at nearly the same time
  uint64_t before = host_nanoseconds(CLOCK_REALTIME);
  REQUIRE(clock_time_get(c, 0, 0, 8) == Errno::Success);
  uint64_t realtime = g.get<uint64_t>(8);
  CHECK(realtime + kSlack >= before);
  CHECK(realtime <= host_nanoseconds(CLOCK_REALTIME) + kSlack);

  uint64_t previous = 0;
  for (int i = 0; i < 1000; ++i) {
    uint64_t host = host_nanoseconds(CLOCK_MONOTONIC);
    REQUIRE(clock_time_get(c, 1, 0, 8) == Errno::Success);
    uint64_t monotonic = g.get<uint64_t>(8);
    CHECK(monotonic >= previous);
    CHECK(monotonic + kSlack >= host);
    CHECK(monotonic <= host_nanoseconds(CLOCK_MONOTONIC) + kSlack);
    previous = monotonic;
  }
  CHECK(clock_time_get(c, 4, 0, 8) == Errno::Inval);
  CHECK(clock_res_get(c, 0, 65535) == Errno::Fault);
}

TEST_CASE("random_get fills exactly the buffer it is given") {
  Guest g;
  Call c = g.call();
  // A 4 KiB buffer between two guard bytes: the buffer changes, the guards do not.
  std::fill(g.memory.begin(), g.memory.begin() + 4098, uint8_t(0xA5));
  REQUIRE(random_get(c, 1, 4096) == Errno::Success);
  CHECK(g.memory[0] == 0xA5);
  CHECK(g.memory[4097] == 0xA5);
  size_t unchanged = size_t(std::count(g.memory.begin() + 1, g.memory.begin() + 4097, uint8_t(0xA5)));
  CHECK(unchanged < 64);  // about 16 of 4096 random bytes equal 0xA5; 64 or more means not written
  // Two draws differ.
  std::vector<uint8_t> first(g.memory.begin() + 1, g.memory.begin() + 4097);
  REQUIRE(random_get(c, 1, 4096) == Errno::Success);
  CHECK(!std::equal(first.begin(), first.end(), g.memory.begin() + 1));
  CHECK(random_get(c, 0, 0) == Errno::Success);
  CHECK(random_get(c, 0, 65536) == Errno::Success);
  CHECK(random_get(c, 1, 65536) == Errno::Fault);
}
