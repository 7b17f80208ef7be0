#include "wasmrun/wasi.h"

#include <fmt/format.h>

#include "api/conversions.h"
#include "runtime/vm/instance.h"
#include "runtime/vm/invoke.h"
#include "wasi/preview1/host_functions.h"

namespace wasmrun {

namespace {

namespace p1 = wasi::preview1;

constexpr const char* kModuleName = "wasi_snapshot_preview1";

// The calling module's memory, which every preview1 function reads and writes.
Expected<p1::GuestMemory> caller_memory(Caller& caller, std::string_view function) {
  if (auto memory = caller.get_memory()) return p1::GuestMemory(memory->data(), memory->size_bytes());
  return Error{fmt::format("{}.{} needs the calling module to export its memory as \"memory\"", kModuleName, function)};
}

// A preview1 function bound through the typed API: its parameters are the import's (i32 as
// uint32_t, i64 as uint64_t), its result the errno.
template <class... A>
Expected<void> bind_function(Linker& linker, const std::shared_ptr<p1::Context>& ctx, std::string_view name,
                    p1::Errno (*fn)(p1::Call&, A...)) {
  return linker.func_wrap(kModuleName, std::string(name), [ctx, name, fn](Caller& caller, A... args) -> Expected<uint32_t> {
    auto memory = caller_memory(caller, name);
    if (!memory) return memory.error();
    p1::Call call{*ctx, *memory};
    return uint32_t(fn(call, args...));
  });
}

}  // namespace

Expected<Wasi> Wasi::create(const WasiConfig& config) {
  wasi::preview1::Config c;
  c.args = config.args;
  for (const auto& [name, value] : config.env) c.env.push_back(name + "=" + value);
  for (const auto& dir : config.preopens) c.preopens.push_back({dir.host_path, dir.guest_path});
  c.stdin_fd = config.stdin_fd;
  c.stdout_fd = config.stdout_fd;
  c.stderr_fd = config.stderr_fd;
  auto ctx = wasi::preview1::Context::create(c);
  if (!ctx) return ctx.error();
  return Wasi(ctx.take());
}

Expected<void> Wasi::add_to_linker(Linker& linker) const {
  // Each binding reads its wasm signature from the C++ one (typed_func.h).
#define WASMRUN_PREVIEW1(name) \
  if (auto ok = bind_function(linker, ctx_, #name, &p1::name); !ok) return ok;
  WASMRUN_PREVIEW1(args_get)
  WASMRUN_PREVIEW1(args_sizes_get)
  WASMRUN_PREVIEW1(environ_get)
  WASMRUN_PREVIEW1(environ_sizes_get)
  WASMRUN_PREVIEW1(clock_res_get)
  WASMRUN_PREVIEW1(clock_time_get)
  WASMRUN_PREVIEW1(random_get)
  WASMRUN_PREVIEW1(sched_yield)
  WASMRUN_PREVIEW1(proc_raise)
  WASMRUN_PREVIEW1(fd_read)
  WASMRUN_PREVIEW1(fd_pread)
  WASMRUN_PREVIEW1(fd_write)
  WASMRUN_PREVIEW1(fd_pwrite)
  WASMRUN_PREVIEW1(fd_seek)
  WASMRUN_PREVIEW1(fd_tell)
  WASMRUN_PREVIEW1(fd_close)
  WASMRUN_PREVIEW1(fd_renumber)
  WASMRUN_PREVIEW1(fd_sync)
  WASMRUN_PREVIEW1(fd_datasync)
  WASMRUN_PREVIEW1(fd_advise)
  WASMRUN_PREVIEW1(fd_allocate)
  WASMRUN_PREVIEW1(fd_fdstat_get)
  WASMRUN_PREVIEW1(fd_fdstat_set_flags)
  WASMRUN_PREVIEW1(fd_fdstat_set_rights)
  WASMRUN_PREVIEW1(fd_filestat_get)
  WASMRUN_PREVIEW1(fd_filestat_set_size)
  WASMRUN_PREVIEW1(fd_filestat_set_times)
  WASMRUN_PREVIEW1(fd_prestat_get)
  WASMRUN_PREVIEW1(fd_prestat_dir_name)
  WASMRUN_PREVIEW1(fd_readdir)
  WASMRUN_PREVIEW1(path_open)
  WASMRUN_PREVIEW1(path_create_directory)
  WASMRUN_PREVIEW1(path_remove_directory)
  WASMRUN_PREVIEW1(path_unlink_file)
  WASMRUN_PREVIEW1(path_rename)
  WASMRUN_PREVIEW1(path_link)
  WASMRUN_PREVIEW1(path_symlink)
  WASMRUN_PREVIEW1(path_readlink)
  WASMRUN_PREVIEW1(path_filestat_get)
  WASMRUN_PREVIEW1(path_filestat_set_times)
  WASMRUN_PREVIEW1(poll_oneoff)
  WASMRUN_PREVIEW1(sock_accept)
  WASMRUN_PREVIEW1(sock_recv)
  WASMRUN_PREVIEW1(sock_send)
  WASMRUN_PREVIEW1(sock_shutdown)
#undef WASMRUN_PREVIEW1
  // proc_exit returns nothing: it ends the computation with the guest's status.
  return linker.func_wrap(kModuleName, "proc_exit", [](Caller& caller, uint32_t status) { caller.exit(status); });
}

Expected<Wasi::CallOutcome> Wasi::call(const Func& func, std::span<const Val> args) {
  auto store = func.store_ref().get("function");
  if (!store) return store.error();
  const wasm::FuncType& t = *func.impl()->type;
  if (args.size() != t.params.size())
    return Error{fmt::format("the function takes {} arguments, {} were given", t.params.size(), args.size())};
  std::vector<vm::VMValue> values(std::max<size_t>({t.params.size(), t.results.size(), 1}));
  for (size_t i = 0; i < args.size(); ++i) {
    if (api::to_wasm(args[i].type()) != t.params[i])
      return Error{fmt::format("argument {} is {}, the function expects {}", i, to_string(args[i].type()),
                               wasm::to_string(t.params[i]))};
    std::memcpy(values[i].bytes, args[i].raw().bytes, 16);
  }
  CallOutcome outcome;
  if (auto trap = vm::invoke_catching(**store, func.impl(), values)) {
    if (trap->code != vm::TrapCode::Exit) return Error::from_trap(std::move(*trap));
    outcome.exit_status = trap->exit_status;
    return outcome;
  }
  for (size_t i = 0; i < t.results.size(); ++i) {
    RawValue raw;
    std::memcpy(raw.bytes, values[i].bytes, 16);
    outcome.results.push_back(Val::from_raw(api::from_wasm(t.results[i]), raw));
  }
  return outcome;
}

Expected<uint32_t> Wasi::run_command(const Instance& instance) const {
  auto start = instance.get_func("_start");
  if (!start) return Error{"the module exports no \"_start\" function: it is not a WASI command"};
  if (!(start->type() == FuncType{}))
    return Error{fmt::format("\"_start\" has type {}, a WASI command's takes and returns nothing",
                             to_string(start->type()))};
  auto outcome = call(*start, {});
  if (!outcome) return outcome.error();
  return outcome->exit_status.value_or(0);
}

}  // namespace wasmrun
