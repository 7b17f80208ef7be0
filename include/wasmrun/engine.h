// The engine: compilation settings and the JIT. Create one per process (or per configuration)
// and share it; it is thread-safe. Engine is a handle: copies share one engine, which lives as
// long as any copy, Store or Module of it.
//
// What the runtime does to the process:
// - Signal handlers. The first call into wasm installs handlers for SIGSEGV and SIGBUS (with
//   SA_ONSTACK) and gives each thread that runs wasm an alternate signal stack of 64 KiB unless it
//   has one. A fault inside a linear memory's reservation while that thread runs wasm becomes a
//   MemoryOutOfBounds trap; any other fault is handed back to the handler installed before ours
//   (or the default action). An embedder that installs its own SIGSEGV/SIGBUS handler afterwards
//   must chain to the previous one, or wasm out-of-bounds accesses will reach it instead.
// - Address space. Each linear memory reserves 8 GiB of virtual address space (4 GiB addressable
//   plus a guard region; no memory is committed until the guest's pages are), so that JIT code
//   needs no bounds checks. Thousands of memories can be alive at once; a process with a
//   virtual-memory limit (ulimit -v) must allow for them.
// - Traps unwind with longjmp from the trapping wasm frame to the host call that entered wasm;
//   host functions run to completion first (their destructors run, their exceptions become traps).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "wasmrun/expected.h"

namespace wasmrun {

namespace vm {
class Engine;
}

// How far a compile has come (of the module's defined functions and their code bytes).
struct CompileProgress {
  size_t functions_done = 0, functions_total = 0;
  uint64_t bytes_done = 0, bytes_total = 0;
};

struct Config {
  // LLVM optimization level 0-3. 2 (the default) runs as fast as 3 and up to 1.6x faster than
  // 1 for about the same compile time; 0 compiles ~20x faster and runs ~1.5x slower. Measured
  // in bench/README.md ("Why opt_level = 2 is the default").
  int opt_level = 2;
  // Compile epoch checks into function entries and loop headers, so Store::set_epoch_deadline
  // and Engine::increment_epoch can interrupt a runaway guest.
  bool epoch_interruption = false;
  // Lazy baseline tier: functions are compiled at O0 on their first call, so a large module
  // starts in about a second, while the whole module is compiled at opt_level on a background
  // thread and switched in when ready (and stored in the code cache, if any). False: the whole
  // module is compiled at opt_level before it can run.
  bool lazy = false;
  // With lazy: modules with less function code than this are compiled eagerly, as their
  // compile is short (a 1 MB module compiles at O2 in a few seconds on 2 cores).
  uint64_t lazy_min_code_bytes = uint64_t(1) << 20;
  // Native stack a wasm call may use before it traps with "call stack exhausted".
  size_t max_wasm_stack = size_t(1) << 20;
  // The on-disk code cache: compiled code of every module is kept in this directory and loaded
  // from it when the same module is compiled again by the same wasmrun build with the same
  // options on the same CPU. Empty (the default for embedders): no cache. The CLI uses
  // default_cache_dir().
  std::string cache_dir;
  uint64_t cache_max_bytes = uint64_t(1) << 30;  // least recently used entries are evicted beyond
  // Called as compiles progress, from the compiler's threads but one call at a time (the CLI's
  // progress display). A module loaded from the cache or an artifact reports nothing.
  std::function<void(const CompileProgress&)> compile_progress;
};

// $XDG_CACHE_HOME/wasmrun, else $HOME/.cache/wasmrun.
std::string default_cache_dir();

class Engine {
 public:
  static Expected<Engine> create(const Config& config = {});

  // Advances the epoch; guests past their store's deadline trap with "interrupted".
  void increment_epoch();

  vm::Engine& impl() const { return *impl_; }

  // For the library and its tools: wraps an engine made by the runtime (the `wast` command's,
  // whose code cache and tiers it sets up itself).
  explicit Engine(std::shared_ptr<vm::Engine> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<vm::Engine> impl_;
};

}  // namespace wasmrun
