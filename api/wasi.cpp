#include "wasmrun/wasi.h"

#include <fmt/format.h>

#include "api/conversions.h"
#include "runtime/vm/instance.h"
#include "runtime/vm/invoke.h"
#include "wasi/preview1/bindings.h"

namespace wasmrun {

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
  for (auto& def : wasi::preview1::host_functions(ctx_)) {
    auto made = linker.func_factory(std::string(wasi::preview1::kModuleName), std::string(def.name),
                                    [def](Store& store) -> Expected<Func> {
                                      auto f = store.impl().create_host_func(def.type, def.callback);
                                      if (!f) return f.error();
                                      return Func(store.ref(), *f);
                                    });
    if (!made) return made;
  }
  return {};
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
