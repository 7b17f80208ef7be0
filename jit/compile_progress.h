// Feeds CompileOptions::progress from the compiler's worker threads: totals once, then one
// serialized call per finished group of functions.
#pragma once

#include <functional>
#include <mutex>

#include "runtime/vm/compiled_code.h"

namespace wasmrun::jit {

class ProgressReporter {
 public:
  ProgressReporter(const std::function<void(const vm::CompileProgress&)>& callback, const wasm::Module& module)
      : callback_(callback), module_(module) {
    state_.functions_total = module.bodies.size();
    for (const wasm::FunctionBody& b : module.bodies) state_.bytes_total += b.code.size();
  }

  // Defined functions [first, last) are compiled.
  void done(uint32_t first, uint32_t last) {
    if (!callback_) return;
    std::lock_guard lock(mutex_);
    state_.functions_done += last - first;
    for (uint32_t i = first; i < last; ++i) state_.bytes_done += module_.bodies[i].code.size();
    callback_(state_);
  }

 private:
  const std::function<void(const vm::CompileProgress&)>& callback_;
  const wasm::Module& module_;
  std::mutex mutex_;
  vm::CompileProgress state_;
};

}  // namespace wasmrun::jit
