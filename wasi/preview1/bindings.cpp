#include "wasi/preview1/bindings.h"

#include <fmt/format.h>

#include <cstring>
#include <tuple>

#include "runtime/vm/instance.h"
#include "wasi/preview1/host_functions.h"

namespace wasmrun::wasi::preview1 {

namespace {

template <class T>
constexpr wasm::ValType val_type() {
  static_assert(std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>);
  return std::is_same_v<T, uint32_t> ? wasm::ValType::I32 : wasm::ValType::I64;
}

template <class T>
T read_slot(const vm::VMValue& slot) {
  T v;
  std::memcpy(&v, slot.bytes, sizeof v);
  return v;
}

Expected<GuestMemory> caller_memory(vm::Caller& caller, std::string_view function) {
  if (caller.instance) {
    if (auto e = caller.instance->find_export("memory"); e && std::holds_alternative<vm::LinearMemory*>(*e)) {
      vm::LinearMemory* m = std::get<vm::LinearMemory*>(*e);
      return GuestMemory(m->base(), m->size_bytes());
    }
  }
  return Error{fmt::format("{}.{} needs the calling module to export its memory as \"memory\"", kModuleName, function)};
}

template <class... A>
HostFunctionDef bind_function(std::string_view name, Errno (*fn)(Call&, A...), std::shared_ptr<Context> ctx) {
  wasm::FuncType type{{val_type<A>()...}, {wasm::ValType::I32}};
  vm::HostCallback callback = [name, fn, ctx](vm::Caller& caller, std::span<vm::VMValue> values) -> Expected<void> {
    auto mem = caller_memory(caller, name);
    if (!mem) return mem.error();
    Call call{*ctx, *mem};
    size_t i = 0;
    std::tuple<A...> args{read_slot<A>(values[i++])...};  // braced lists evaluate left to right
    Errno e = std::apply([&](A... a) { return fn(call, a...); }, args);
    uint32_t result = uint32_t(e);
    std::memset(values[0].bytes, 0, sizeof values[0].bytes);
    std::memcpy(values[0].bytes, &result, sizeof result);
    return {};
  };
  return {name, std::move(type), std::move(callback)};
}

}  // namespace

std::vector<HostFunctionDef> host_functions(std::shared_ptr<Context> ctx) {
  std::vector<HostFunctionDef> defs;
  defs.push_back(bind_function("args_get", &args_get, ctx));
  defs.push_back(bind_function("args_sizes_get", &args_sizes_get, ctx));
  defs.push_back(bind_function("environ_get", &environ_get, ctx));
  defs.push_back(bind_function("environ_sizes_get", &environ_sizes_get, ctx));
  defs.push_back(bind_function("clock_res_get", &clock_res_get, ctx));
  defs.push_back(bind_function("clock_time_get", &clock_time_get, ctx));
  defs.push_back(bind_function("random_get", &random_get, ctx));
  defs.push_back(bind_function("sched_yield", &sched_yield, ctx));
  defs.push_back(bind_function("proc_raise", &proc_raise, ctx));
  defs.push_back(bind_function("fd_read", &fd_read, ctx));
  defs.push_back(bind_function("fd_pread", &fd_pread, ctx));
  defs.push_back(bind_function("fd_write", &fd_write, ctx));
  defs.push_back(bind_function("fd_pwrite", &fd_pwrite, ctx));
  defs.push_back(bind_function("fd_seek", &fd_seek, ctx));
  defs.push_back(bind_function("fd_tell", &fd_tell, ctx));
  defs.push_back(bind_function("fd_close", &fd_close, ctx));
  defs.push_back(bind_function("fd_renumber", &fd_renumber, ctx));
  defs.push_back(bind_function("fd_sync", &fd_sync, ctx));
  defs.push_back(bind_function("fd_datasync", &fd_datasync, ctx));
  defs.push_back(bind_function("fd_advise", &fd_advise, ctx));
  defs.push_back(bind_function("fd_allocate", &fd_allocate, ctx));
  defs.push_back(bind_function("fd_fdstat_get", &fd_fdstat_get, ctx));
  defs.push_back(bind_function("fd_fdstat_set_flags", &fd_fdstat_set_flags, ctx));
  defs.push_back(bind_function("fd_fdstat_set_rights", &fd_fdstat_set_rights, ctx));
  defs.push_back(bind_function("fd_filestat_get", &fd_filestat_get, ctx));
  defs.push_back(bind_function("fd_filestat_set_size", &fd_filestat_set_size, ctx));
  defs.push_back(bind_function("fd_filestat_set_times", &fd_filestat_set_times, ctx));
  defs.push_back(bind_function("fd_prestat_get", &fd_prestat_get, ctx));
  defs.push_back(bind_function("fd_prestat_dir_name", &fd_prestat_dir_name, ctx));
  defs.push_back(bind_function("fd_readdir", &fd_readdir, ctx));
  defs.push_back(bind_function("path_open", &path_open, ctx));
  defs.push_back(bind_function("path_create_directory", &path_create_directory, ctx));
  defs.push_back(bind_function("path_remove_directory", &path_remove_directory, ctx));
  defs.push_back(bind_function("path_unlink_file", &path_unlink_file, ctx));
  defs.push_back(bind_function("path_rename", &path_rename, ctx));
  defs.push_back(bind_function("path_link", &path_link, ctx));
  defs.push_back(bind_function("path_symlink", &path_symlink, ctx));
  defs.push_back(bind_function("path_readlink", &path_readlink, ctx));
  defs.push_back(bind_function("path_filestat_get", &path_filestat_get, ctx));
  defs.push_back(bind_function("path_filestat_set_times", &path_filestat_set_times, ctx));
  defs.push_back(bind_function("poll_oneoff", &poll_oneoff, ctx));
  defs.push_back(bind_function("sock_accept", &sock_accept, ctx));
  defs.push_back(bind_function("sock_recv", &sock_recv, ctx));
  defs.push_back(bind_function("sock_send", &sock_send, ctx));
  defs.push_back(bind_function("sock_shutdown", &sock_shutdown, ctx));
  // proc_exit returns nothing: it ends the computation (see vm::Caller::exit_status).
  defs.push_back({"proc_exit", wasm::FuncType{{wasm::ValType::I32}, {}},
                  [](vm::Caller& caller, std::span<vm::VMValue> values) -> Expected<void> {
                    caller.exit_status = read_slot<uint32_t>(values[0]);
                    return {};
                  }});
  return defs;
}

}  // namespace wasmrun::wasi::preview1
