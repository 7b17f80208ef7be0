// WASI commands through the public API: run_command's exit status, and the context's errors.
#include <doctest/doctest.h>

#include "wasmrun/wasmrun.h"

using namespace wasmrun;

namespace {
Expected<uint32_t> run(const char* guest, std::vector<std::string> args) {
  auto engine = Engine::create().take();
  auto module = Module::from_file(engine, std::string(PREVIEW1_GUEST_DIR) + "/" + guest);
  if (!module) return module.error();
  WasiConfig config;
  config.args = std::move(args);
  config.stdin_fd = config.stdout_fd = config.stderr_fd = -1;
  auto wasi = Wasi::create(config);
  if (!wasi) return wasi.error();
  Linker linker(engine);
  if (auto ok = wasi->add_to_linker(linker); !ok) return ok.error();
  Store store(engine);
  auto instance = linker.instantiate(store, *module);
  if (!instance) return instance.error();
  return wasi->run_command(*instance);
}
}  // namespace

TEST_CASE("proc_exit's status comes back from run_command") {
  auto status = run("exit.wasm", {"exit.wasm", "42"});
  REQUIRE(status.ok());
  CHECK(*status == 42);
  status = run("exit.wasm", {"exit.wasm", "0"});
  REQUIRE(status.ok());
  CHECK(*status == 0);
  status = run("args_env.wasm", {"args_env.wasm"});  // returns from main: status 0
  REQUIRE(status.ok());
  CHECK(*status == 0);
}

TEST_CASE("a trap is an error, not a status") {
  auto status = run("trap.wasm", {"trap.wasm"});
  REQUIRE(!status.ok());
  CHECK(status.error().message.starts_with("unreachable\nwasm backtrace:"));
}

TEST_CASE("a preopen that does not exist is reported") {
  WasiConfig config;
  config.preopens = {{"/nonexistent/wasmrun-test", "."}};
  auto wasi = Wasi::create(config);
  REQUIRE(!wasi.ok());
  CHECK(wasi.error().message == "cannot open the directory '/nonexistent/wasmrun-test' to preopen: No such file or directory");
}
