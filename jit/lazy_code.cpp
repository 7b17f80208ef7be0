#include "jit/lazy_code.h"

#include <fmt/format.h>
#include <llvm/ExecutionEngine/Orc/IndirectionUtils.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "jit/debug_frames.h"
#include "jit/function_translator.h"
#include "jit/perf_map.h"
#include "jit/trampolines.h"
#include "runtime/decode/instruction_reader.h"
#include "runtime/vm/code_registry.h"

namespace wasmrun::jit {

namespace {

std::string body_symbol(uint32_t func_index) { return function_symbol(func_index) + ".body"; }

// Background compiles of hot functions run on at most this many threads per module, at the
// lowest priority, so that they take only what the guests and the host leave of the CPUs.
unsigned tier_up_threads() { return std::clamp(std::thread::hardware_concurrency() / 2, 1u, 4u); }

// Callees offered to the inliner with a hot function (as eager code has them at hand): small
// defined functions it calls directly, and theirs, up to a depth and a count.
constexpr size_t kInlineCandidateBytes = 2048;
constexpr int kInlineDepth = 3;
constexpr size_t kMaxInlineCandidates = 64;

std::vector<uint32_t> direct_callees(const wasm::Module& module, uint32_t func_index) {
  const wasm::FunctionBody& body = module.bodies[func_index - module.imported_funcs];
  wasm::Reader reader(module.data(body.code), module.data(body.code) + body.code.size(), body.code.begin);
  wasm::InstructionReader instructions(reader);
  std::vector<uint32_t> callees;
  for (int depth = 1; depth > 0;) {  // the module was validated: every block ends
    wasm::Instr in = instructions.next();
    if (in.op == wasm::Op::Block || in.op == wasm::Op::Loop || in.op == wasm::Op::If) ++depth;
    else if (in.op == wasm::Op::End) --depth;
    else if (in.op == wasm::Op::Call && in.index >= module.imported_funcs) callees.push_back(in.index);
  }
  return callees;
}

std::vector<uint32_t> inline_candidates(const wasm::Module& module, uint32_t func_index) {
  std::vector<uint32_t> found, frontier{func_index};
  std::set<uint32_t> seen{func_index};
  for (int depth = 0; depth < kInlineDepth && !frontier.empty(); ++depth) {
    std::vector<uint32_t> next;
    for (uint32_t caller : frontier)
      for (uint32_t callee : direct_callees(module, caller)) {
        if (found.size() == kMaxInlineCandidates) return found;
        if (module.bodies[callee - module.imported_funcs].code.size() > kInlineCandidateBytes) continue;
        if (!seen.insert(callee).second) continue;
        found.push_back(callee);
        next.push_back(callee);
      }
    frontier = std::move(next);
  }
  return found;
}

void lower_thread_priority() {
  // On Linux a thread's nice value is its own (setpriority with its thread id).
  (void)::setpriority(PRIO_PROCESS, id_t(::syscall(SYS_gettid)), 19);
}

std::string error_text(llvm::Error e) { return llvm::toString(std::move(e)); }

class LazyCode;

// Materializes "w<i>.body": translates and compiles function i alone at O0 when the stub's first
// call looks it up, and hands the object to ORC's linker.
class FunctionBodyUnit final : public llvm::orc::MaterializationUnit {
 public:
  FunctionBodyUnit(LazyCode& owner, uint32_t func_index, llvm::orc::SymbolStringPtr symbol)
      : MaterializationUnit(Interface(
            llvm::orc::SymbolFlagsMap{{symbol, llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable}},
            nullptr)),
        owner_(owner),
        func_index_(func_index) {}

  llvm::StringRef getName() const override { return "wasm function body"; }

 private:
  void materialize(std::unique_ptr<llvm::orc::MaterializationResponsibility> r) override;
  void discard(const llvm::orc::JITDylib&, const llvm::orc::SymbolStringPtr&) override {}

  LazyCode& owner_;
  uint32_t func_index_;
};

class LazyCode final : public vm::CompiledCode {
 public:
  LazyCode(LazyPipeline& pipeline, const wasm::Module& module, const vm::CompileOptions& options,
           std::shared_ptr<CodeCache> cache)
      : pipeline_(pipeline), module_(module), options_(options), cache_(std::move(cache)),
        tier_up_enabled_(options.tier_up), whole_module_(options.tier_up && options.tier_up_whole_module),
        counters_(module.bodies.size(), int32_t(std::min<uint32_t>(options.tier_up_threshold, INT32_MAX))),
        tiers_(module.bodies.size(), Tier::Baseline) {
    options_.lazy = false;
    options_.progress = nullptr;
    hotness_ = {counters_.data(), &LazyCode::on_hot, this};
  }

  ~LazyCode() override {
    {
      std::lock_guard lock(mutex_);
      cancel_ = true;
    }
    work_changed_.notify_all();
    if (tier_up_.joinable()) tier_up_.join();
    for (std::thread& worker : workers_) worker.join();
    llvm::orc::ExecutionSession& es = pipeline_.jit().getExecutionSession();
    optimized_.reset();
    if (hot_) llvm::consumeError(es.removeJITDylib(*hot_));
    if (bodies_) llvm::consumeError(es.removeJITDylib(*bodies_));
    if (stubs_) llvm::consumeError(es.removeJITDylib(*stubs_));
    for (uint64_t token : code_tokens_) vm::unregister_code(token);
  }

  Expected<void> start();

  void wait_for_tier_up() override {
    std::unique_lock lock(mutex_);
    if (whole_module_)
      tiered_up_changed_.wait(lock, [&] { return tier_up_finished_; });
    else
      tiered_up_changed_.wait(lock, [&] { return queue_.empty() && compiling_ == 0; });
  }

  bool runs_optimized(uint32_t func_index) const override {
    std::lock_guard lock(mutex_);
    return tier_up_finished_ || tiers_[func_index - module_.imported_funcs] == Tier::Optimized;
  }

  size_t optimized_functions() const override {
    std::lock_guard lock(mutex_);
    return tier_up_finished_ ? module_.bodies.size() : optimized_count_;
  }

  // Function i's code was compiled: name it for backtraces (with wasm offsets from its DWARF).
  void compiled(uint32_t func_index, uintptr_t begin, uint64_t size,
                std::shared_ptr<const vm::InlineResolver> frames) {
    auto name = module_.names.functions.find(func_index);
    std::vector<vm::CodeRange> ranges{{begin, begin + size, func_index,
                                       name != module_.names.functions.end() ? name->second : std::string(),
                                       module_.names.module, std::move(frames)}};
    if (perf_map_enabled()) append_to_perf_map(ranges);
    std::lock_guard lock(mutex_);
    code_tokens_.push_back(vm::register_code(std::move(ranges)));
  }

  // Keeps a lazily compiled function's object for the wasm offsets of its frames; returns what
  // reads them.
  std::shared_ptr<const vm::InlineResolver> frames(const llvm::MemoryBuffer& object, bool optimized) {
    IncrementalInlineResolver& resolver = optimized ? *optimized_frames_ : *baseline_frames_;
    resolver.add(object);
    return optimized ? optimized_frames_ : baseline_frames_;
  }

  bool epoch_interruption() const { return options_.epoch_interruption; }
  // What baseline code counts with; null when it does not count (no hot tier-up).
  const HotnessCounting* hotness() const { return tier_up_enabled_ && !whole_module_ ? &hotness_ : nullptr; }

  LazyPipeline& pipeline_;
  const wasm::Module& module_;

 private:
  enum class Tier : uint8_t { Baseline, Queued, Optimized, Failed };

  static void on_hot(void* owner, uint32_t func_index) { static_cast<LazyCode*>(owner)->hot(func_index); }
  void hot(uint32_t func_index);
  void compile_hot_functions();
  Expected<void*> compile_hot(uint32_t func_index);
  void point_stub_at(uint32_t func_index, void* code);

  void tier_up();
  std::unique_ptr<vm::CompiledCode> compile_optimized();

  vm::CompileOptions options_;  // of the optimized code
  std::shared_ptr<CodeCache> cache_;
  bool tier_up_enabled_;
  bool whole_module_;
  llvm::orc::JITDylib* stubs_ = nullptr;   // "w<i>" stubs and the entry trampolines
  llvm::orc::JITDylib* bodies_ = nullptr;  // "w<i>.body", compiled on first call
  llvm::orc::JITDylib* hot_ = nullptr;     // "w<i>", hot functions compiled at opt_level
  std::unique_ptr<llvm::orc::IndirectStubsManager> stubs_manager_;
  mutable std::mutex mutex_;
  std::vector<uint64_t> code_tokens_;
  std::unique_ptr<vm::CompiledCode> optimized_;
  std::atomic<bool> cancel_{false};
  bool tier_up_finished_ = false;  // under mutex_
  std::condition_variable tiered_up_changed_;
  std::thread tier_up_;

  // Hot tier-up. The counters are written by baseline code (emit_hotness_count); the rest is
  // under mutex_.
  std::vector<int32_t> counters_;
  HotnessCounting hotness_{};
  std::vector<Tier> tiers_;
  // The DWARF of lazily compiled functions, one resolver per tier (a function index has a body in each).
  std::shared_ptr<IncrementalInlineResolver> baseline_frames_ = make_incremental_inline_resolver(module_.names);
  std::shared_ptr<IncrementalInlineResolver> optimized_frames_ = make_incremental_inline_resolver(module_.names);
  std::vector<void*> optimized_code_;  // per defined function, once Optimized
  std::deque<uint32_t> queue_;
  size_t compiling_ = 0;
  size_t optimized_count_ = 0;
  std::vector<std::thread> workers_;
  std::condition_variable work_changed_;
};

void FunctionBodyUnit::materialize(std::unique_ptr<llvm::orc::MaterializationResponsibility> r) {
  const wasm::Module& module = owner_.module_;
  std::string symbol = body_symbol(func_index_);
  vm::CompileOptions baseline;
  baseline.opt_level = 0;
  baseline.epoch_interruption = owner_.epoch_interruption();
  auto object = owner_.pipeline_.emit_object(module, baseline, symbol, [&](ModuleEnv& env) {
    env.hotness = owner_.hotness();
    FunctionTranslator(env, func_index_).translate();
    env.function(func_index_)->setName(symbol);
  });
  llvm::orc::ExecutionSession& es = r->getExecutionSession();
  if (!object) {
    es.reportError(llvm::make_error<llvm::StringError>(object.error().message, llvm::inconvertibleErrorCode()));
    r->failMaterialization();
    return;
  }
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> one;
  one.push_back(object.take());
  uint64_t size = symbol_sizes(one)[symbol];
  std::shared_ptr<const vm::InlineResolver> frames = owner_.frames(*one[0], /*optimized=*/false);
  llvm::orc::JITDylib& dylib = r->getTargetJITDylib();
  owner_.pipeline_.jit().getObjLinkingLayer().emit(std::move(r), std::move(one[0]));
  // Once linked, register the body's range (the lookup answers as soon as it is ready).
  LazyCode& owner = owner_;
  uint32_t index = func_index_;
  es.lookup(
      llvm::orc::LookupKind::Static, llvm::orc::makeJITDylibSearchOrder(&dylib),
      llvm::orc::SymbolLookupSet(es.intern(symbol)), llvm::orc::SymbolState::Ready,
      [&owner, index, size, frames](llvm::Expected<llvm::orc::SymbolMap> found) {
        if (!found) {
          llvm::consumeError(found.takeError());
          return;
        }
        owner.compiled(index, found->begin()->second.getAddress().getValue(), size, frames);
      },
      llvm::orc::NoDependenciesToRegister);
}

Expected<void> LazyCode::start() {
  llvm::orc::LLJIT& jit = pipeline_.jit();
  auto manager = pipeline_.call_through_manager();
  if (!manager) return manager.error();
  static std::atomic<uint64_t> next_id{0};
  uint64_t id = next_id++;
  auto stubs = jit.createJITDylib(fmt::format("lazy{}", id));
  if (!stubs) return Error{"cannot create a JIT library: " + error_text(stubs.takeError())};
  stubs_ = &*stubs;
  auto bodies = jit.createJITDylib(fmt::format("lazy{}-bodies", id));
  if (!bodies) return Error{"cannot create a JIT library: " + error_text(bodies.takeError())};
  bodies_ = &*bodies;
  bodies_->addToLinkOrder(*stubs_);  // after the defaults (the process symbols, for memset)
  if (auto ok = pipeline_.define_libcalls(*bodies_); !ok) return ok.error();

  llvm::orc::SymbolAliasMap aliases;
  for (uint32_t i = 0; i < module_.bodies.size(); ++i) {
    uint32_t index = module_.imported_funcs + i;
    llvm::orc::SymbolStringPtr body = jit.mangleAndIntern(body_symbol(index));
    if (auto e = bodies_->define(std::make_unique<FunctionBodyUnit>(*this, index, body)))
      return Error{"cannot define a lazy function: " + error_text(std::move(e))};
    aliases[jit.mangleAndIntern(function_symbol(index))] = {
        body, llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
  }
  stubs_manager_ = llvm::orc::createLocalIndirectStubsManagerBuilder(jit.getTargetTriple())();
  if (!stubs_manager_) return Error{"the lazy tier does not support this target"};
  if (auto e = stubs_->define(llvm::orc::lazyReexports(**manager, *stubs_manager_, *bodies_, std::move(aliases))))
    return Error{"cannot define the lazy stubs: " + error_text(std::move(e))};

  // Entry trampolines, compiled now: every host call needs one.
  auto trampolines = pipeline_.emit_object(module_, options_, "trampolines", [&](ModuleEnv& env) {
    for (uint32_t t = 0; t < module_.types.size(); ++t) emit_entry_trampoline(env, module_.types[t], trampoline_symbol(t));
  });
  if (!trampolines) return trampolines.error();
  if (auto e = jit.addObjectFile(*stubs_, trampolines.take()))
    return Error{"cannot add compiled code: " + error_text(std::move(e))};

  llvm::orc::SymbolLookupSet lookup;
  for (uint32_t i = 0; i < module_.bodies.size(); ++i)
    lookup.add(jit.mangleAndIntern(function_symbol(module_.imported_funcs + i)));
  for (uint32_t t = 0; t < module_.types.size(); ++t) lookup.add(jit.mangleAndIntern(trampoline_symbol(t)));
  auto found = jit.getExecutionSession().lookup(llvm::orc::makeJITDylibSearchOrder(stubs_), lookup);
  if (!found) return Error{"cannot create the lazy stubs: " + error_text(found.takeError())};
  for (uint32_t i = 0; i < module_.bodies.size(); ++i)
    functions.push_back(
        (*found)[jit.mangleAndIntern(function_symbol(module_.imported_funcs + i))].getAddress().toPtr<void*>());
  for (uint32_t t = 0; t < module_.types.size(); ++t)
    entry_trampolines.push_back(reinterpret_cast<vm::EntryTrampoline>(
        (*found)[jit.mangleAndIntern(trampoline_symbol(t))].getAddress().toPtr<void*>()));

  if (hotness()) {
    auto hot = jit.createJITDylib(fmt::format("lazy{}-hot", id));
    if (!hot) return Error{"cannot create a JIT library: " + error_text(hot.takeError())};
    hot_ = &*hot;
    hot_->addToLinkOrder(*stubs_);  // a callee not (yet) optimized is called through its stub
    if (auto ok = pipeline_.define_libcalls(*hot_); !ok) return ok.error();
    optimized_code_.assign(module_.bodies.size(), nullptr);
  }
  if (whole_module_) tier_up_ = std::thread([this] { tier_up(); });
  return {};
}

// Called by baseline code (on the guest's thread) when function i's budget is spent: queue it
// for the background compile. A function already optimized that still reports is one whose stub
// a late first-call resolution pointed back at the baseline body (two threads resolving it at
// once): point it at the optimized code again.
void LazyCode::hot(uint32_t func_index) {
  uint32_t i = func_index - module_.imported_funcs;
  std::lock_guard lock(mutex_);
  std::atomic_ref<int32_t>(counters_[i]).store(INT32_MAX, std::memory_order_relaxed);
  switch (tiers_[i]) {
    case Tier::Baseline:
      if (cancel_) return;
      tiers_[i] = Tier::Queued;
      queue_.push_back(func_index);
      if (workers_.size() < tier_up_threads() && workers_.size() < queue_.size() + compiling_)
        workers_.emplace_back([this] { compile_hot_functions(); });
      work_changed_.notify_one();
      return;
    case Tier::Optimized:
      point_stub_at(func_index, optimized_code_[i]);
      return;
    case Tier::Queued:
    case Tier::Failed:
      return;
  }
}

void LazyCode::point_stub_at(uint32_t func_index, void* code) {
  // One aligned pointer store: a call through the stub jumps to the old code or the new, and a
  // frame running the old code finishes in it.
  llvm::consumeError(
      stubs_manager_->updatePointer(function_symbol(func_index), llvm::orc::ExecutorAddr::fromPtr(code)));
}

// A worker thread: compiles queued hot functions, oldest first, and switches each in.
void LazyCode::compile_hot_functions() {
  lower_thread_priority();
  std::unique_lock lock(mutex_);
  for (;;) {
    work_changed_.wait(lock, [&] { return cancel_ || !queue_.empty(); });
    if (cancel_) return;
    uint32_t func_index = queue_.front();
    queue_.pop_front();
    ++compiling_;
    lock.unlock();
    Expected<void*> code = compile_hot(func_index);
    lock.lock();
    --compiling_;
    uint32_t i = func_index - module_.imported_funcs;
    if (code && *code) {
      optimized_code_[i] = *code;
      tiers_[i] = Tier::Optimized;
      ++optimized_count_;
      point_stub_at(func_index, *code);
    } else {
      // The module was validated: only an internal error of the JIT leaves a function here,
      // and its baseline code stays correct.
      tiers_[i] = Tier::Failed;
    }
    tiered_up_changed_.notify_all();
  }
}

// Function i at opt_level, as eager code translates it, with copies of its small callees the
// inliner may inline (available_externally: never emitted on their own). Its calls that are not
// inlined go straight to the functions already optimized, to the others through their stubs.
Expected<void*> LazyCode::compile_hot(uint32_t func_index) {
  std::string symbol = function_symbol(func_index);
  std::vector<uint32_t> callees = inline_candidates(module_, func_index);
  auto object = pipeline_.emit_object(module_, options_, symbol + ".opt", [&](ModuleEnv& env) {
    FunctionTranslator(env, func_index).translate();
    for (uint32_t callee : callees) {
      FunctionTranslator(env, callee).translate();
      env.function(callee)->setLinkage(llvm::GlobalValue::AvailableExternallyLinkage);
    }
  });
  if (!object) return object.error();
  if (cancel_) return nullptr;
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> one;
  one.push_back(object.take());
  uint64_t size = symbol_sizes(one)[symbol];
  std::shared_ptr<const vm::InlineResolver> frames = this->frames(*one[0], /*optimized=*/true);
  llvm::orc::LLJIT& jit = pipeline_.jit();
  if (auto e = jit.addObjectFile(*hot_, std::move(one[0])))
    return Error{"cannot add compiled code: " + error_text(std::move(e))};
  auto address = jit.lookup(*hot_, symbol);
  if (!address) return Error{"cannot link compiled code: " + error_text(address.takeError())};
  compiled(func_index, address->getValue(), size, std::move(frames));
  return address->toPtr<void*>();
}

void LazyCode::tier_up() {
  std::unique_ptr<vm::CompiledCode> optimized = compile_optimized();
  std::lock_guard lock(mutex_);
  optimized_ = std::move(optimized);
  tier_up_finished_ = true;
  tiered_up_changed_.notify_all();
}

std::unique_ptr<vm::CompiledCode> LazyCode::compile_optimized() {
  vm::CompileOptions options = options_;
  options.cancel = &cancel_;
  auto objects = pipeline_.emit_objects(module_, options);
  if (!objects || cancel_) return nullptr;
  if (cache_) store_code(pipeline_, *cache_, module_, options_, *objects);
  auto code = pipeline_.link_objects(module_, objects.take());
  if (!code || cancel_) return nullptr;
  // From here on every call through a stub runs the optimized code, whose calls among
  // themselves go direct; frames running baseline code finish in it.
  for (uint32_t i = 0; i < module_.bodies.size(); ++i)
    llvm::consumeError(stubs_manager_->updatePointer(function_symbol(module_.imported_funcs + i),
                                                     llvm::orc::ExecutorAddr::fromPtr((*code)->functions[i])));
  return code.take();
}

// Where a stub's first call lands when its body cannot be compiled: the module was validated, so
// this is an internal error of the JIT, and the guest cannot continue.
void lazy_compile_failed() {
  std::fputs("wasmrun: internal error: a function could not be compiled on its first call\n", stderr);
  std::abort();
}

}  // namespace

Expected<std::unique_ptr<llvm::orc::LazyCallThroughManager>> create_call_through_manager(llvm::orc::LLJIT& jit) {
  auto manager = llvm::orc::createLocalLazyCallThroughManager(jit.getTargetTriple(), jit.getExecutionSession(),
                                                             llvm::orc::ExecutorAddr::fromPtr(&lazy_compile_failed));
  if (!manager) return Error{"the lazy tier does not support this target: " + error_text(manager.takeError())};
  return std::move(*manager);
}

Expected<std::unique_ptr<vm::CompiledCode>> create_lazy_code(LazyPipeline& pipeline, const wasm::Module& module,
                                                             const vm::CompileOptions& options,
                                                             std::shared_ptr<CodeCache> cache) {
  auto code = std::make_unique<LazyCode>(pipeline, module, options, std::move(cache));
  if (auto ok = code->start(); !ok) return ok.error();
  return std::unique_ptr<vm::CompiledCode>(std::move(code));
}

}  // namespace wasmrun::jit
