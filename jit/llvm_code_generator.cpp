#include "jit/llvm_code_generator.h"

#include <fmt/format.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/TargetSelect.h>

#include <dlfcn.h>

#include <sstream>

#include <atomic>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "jit/function_translator.h"
#include "jit/lazy_code.h"
#include "jit/object_compiler.h"
#include "jit/code_image.h"
#include "jit/compile_progress.h"
#include "jit/debug_frames.h"
#include "jit/perf_map.h"
#include "jit/persistent_code.h"
#include "jit/trampolines.h"
#include "runtime/vm/code_registry.h"
#include "runtime/vm/libcalls.h"

namespace wasmrun::jit {

namespace {

// Code below this many bytes is compiled as one chunk: threads would cost more than they save.
constexpr size_t kMinChunkBytes = 64 * 1024;
// Chunks per thread, at most: enough to balance the threads' load and to report progress often.
constexpr size_t kChunksPerThread = 16;

std::string error_text(llvm::Error e) { return llvm::toString(std::move(e)); }

uint64_t code_bytes(const wasm::Module& module) {
  uint64_t total = 0;
  for (const wasm::FunctionBody& b : module.bodies) total += b.code.size();
  return total;
}

// Which entry trampolines a module's code carries: one per distinct signature of its defined
// functions, the only functions of its own the host can enter (imports are the host's or another
// module's). Declared types no function has, and duplicates, cost nothing; a call through a type
// without one uses the engine's, compiled on first use. So the glue compiled grows with the
// functions defined, whose bodies are compiled anyway, not with the type section.
struct EntryPlan {
  std::vector<uint32_t> representatives;  // a type index per distinct signature
  std::vector<int> of_type;               // per type index: the position of its signature's, or -1
};

// The parameter count, then the value types.
std::string signature_key(const wasm::FuncType& type) {
  std::string key = std::to_string(type.params.size()) + ':';
  for (wasm::ValType v : type.params) key += char(v);
  for (wasm::ValType v : type.results) key += char(v);
  return key;
}

EntryPlan plan_entry_trampolines(const wasm::Module& module) {
  auto signature = [&](uint32_t t) { return signature_key(module.types[t]); };
  EntryPlan plan;
  std::map<std::string, int> by_signature;
  for (uint32_t i = 0; i < module.bodies.size(); ++i) {
    uint32_t t = module.func_types[module.imported_funcs + i];
    auto [it, added] = by_signature.try_emplace(signature(t), int(plan.representatives.size()));
    if (added) plan.representatives.push_back(t);
  }
  plan.of_type.assign(module.types.size(), -1);
  for (uint32_t t = 0; t < module.types.size(); ++t)
    if (auto it = by_signature.find(signature(t)); it != by_signature.end()) plan.of_type[t] = it->second;
  return plan;
}

class JitCode final : public vm::CompiledCode {
 public:
  JitCode(llvm::orc::LLJIT& jit, llvm::orc::JITDylib& dylib) : jit_(jit), dylib_(dylib) {}
  ~JitCode() override {
    if (code_token_) vm::unregister_code(code_token_);
    llvm::consumeError(jit_.getExecutionSession().removeJITDylib(dylib_));
  }
  uint64_t code_token_ = 0;  // the code registry entry naming these functions for backtraces

 private:
  llvm::orc::LLJIT& jit_;
  llvm::orc::JITDylib& dylib_;
};

// Code mapped from a stored image (code_image.h).
class ImageCode final : public vm::CompiledCode {
 public:
  explicit ImageCode(std::unique_ptr<LoadedImage> image) : image_(std::move(image)) {}
  ~ImageCode() override {
    if (code_token_) vm::unregister_code(code_token_);
  }
  uint64_t code_token_ = 0;

 private:
  std::unique_ptr<LoadedImage> image_;
};

// The symbols of a module's code: its defined functions, then its entry trampolines.
std::vector<std::string> code_symbols(const wasm::Module& module, const EntryPlan& entries) {
  std::vector<std::string> symbols;
  symbols.reserve(module.bodies.size() + entries.representatives.size());
  for (uint32_t i = 0; i < module.bodies.size(); ++i) symbols.push_back(function_symbol(module.imported_funcs + i));
  for (uint32_t t : entries.representatives) symbols.push_back(trampoline_symbol(t));
  return symbols;
}

// Fills `code`'s function and trampoline tables from the addresses of code_symbols(), and names
// every function's range for trap backtraces and (optionally) perf; returns the registry token.
uint64_t publish(vm::CompiledCode& code, const wasm::Module& module, const EntryPlan& entries,
                 const std::vector<void*>& addresses, const std::vector<uint64_t>& sizes,
                 const std::shared_ptr<const vm::InlineResolver>& inlining) {
  std::vector<vm::CodeRange> ranges;
  ranges.reserve(module.bodies.size());
  for (uint32_t i = 0; i < module.bodies.size(); ++i) {
    uint32_t index = module.imported_funcs + i;
    auto name = module.names.functions.find(index);
    uintptr_t begin = reinterpret_cast<uintptr_t>(addresses[i]);
    ranges.push_back({begin, begin + sizes[i], index,
                      name != module.names.functions.end() ? name->second : std::string(), module.names.module,
                      inlining});
  }
  if (perf_map_enabled()) append_to_perf_map(ranges);
  uint64_t token = vm::register_code(std::move(ranges));
  code.functions.assign(addresses.begin(), addresses.begin() + module.bodies.size());
  code.entry_trampolines.assign(module.types.size(), nullptr);
  for (size_t t = 0; t < module.types.size(); ++t)
    if (int r = entries.of_type[t]; r >= 0)
      code.entry_trampolines[t] = reinterpret_cast<vm::EntryTrampoline>(addresses[module.bodies.size() + size_t(r)]);
  return token;
}

// The runtime's functions by name, for the import slots of code images; then the C library's
// (memmove, memset), as JITLink finds them in the process.
void* runtime_symbol(const std::string& name) {
  static const std::map<std::string, void*, std::less<>> table = [] {
    std::map<std::string, void*, std::less<>> t;
    for (auto [n, address] : vm::libcall_symbols()) t.emplace(std::string(n), address);
    return t;
  }();
  if (auto it = table.find(name); it != table.end()) return it->second;
  return ::dlsym(RTLD_DEFAULT, name.c_str());
}

class LlvmCodeGenerator final : public vm::CodeGenerator, public LazyPipeline {
 public:
  LlvmCodeGenerator(std::unique_ptr<llvm::orc::LLJIT> jit, llvm::orc::JITTargetMachineBuilder builder,
                    std::shared_ptr<CodeCache> cache)
      : jit_(std::move(jit)), builder_(std::move(builder)), identity_(host_identity(builder_)), cache_(std::move(cache)) {}

  Expected<std::unique_ptr<vm::CompiledCode>> compile(const wasm::Module& module,
                                                      const vm::CompileOptions& options) override {
    if (options.lazy && code_bytes(module) >= options.lazy_min_code_bytes) {
      if (cache_)
        if (auto code = cached_code(*this, *cache_, module, options)) return code;
      return create_lazy_code(*this, module, options, cache_);
    }
    if (cache_) return compile_through_cache(*this, *cache_, module, options);
    auto objects = emit_objects(module, options);
    if (!objects) return objects.error();
    return link_objects(module, objects.take());
  }
  std::optional<vm::LoadedCode> load_cached(std::span<const uint8_t> bytes, const vm::CompileOptions& options) override {
    if (!cache_) return std::nullopt;
    return jit::load_cached(*this, *cache_, bytes, options);
  }
  Expected<std::vector<uint8_t>> serialize(const wasm::Module& module, const vm::CompileOptions& options) override {
    return jit::serialize(*this, module, options);
  }
  Expected<vm::LoadedCode> deserialize(std::span<const uint8_t> artifact, const vm::CompileOptions& options) override {
    return jit::deserialize(*this, artifact, options);
  }
  Expected<void*> host_stub(const wasm::FuncType& type) override;
  Expected<vm::EntryTrampoline> entry_trampoline(const wasm::FuncType& type) override;

  Expected<Objects> emit_objects(const wasm::Module& module, const vm::CompileOptions& options) override;
  Expected<std::unique_ptr<vm::CompiledCode>> link_objects(const wasm::Module& module, Objects objects) override;
  const CodeIdentity& identity() const override { return identity_; }
  std::vector<std::string> image_symbols(const wasm::Module& module) override {
    return code_symbols(module, plan_entry_trampolines(module));
  }
  Expected<std::unique_ptr<vm::CompiledCode>> load_image(const wasm::Module& module, const CodeImageView& image,
                                                         const ImageFile* file, std::shared_ptr<const void> owner,
                                                         std::vector<std::span<const uint8_t>> objects,
                                                         std::function<bool()> intact) override;

  llvm::orc::LLJIT& jit() override { return *jit_; }
  Expected<llvm::orc::LazyCallThroughManager*> call_through_manager() override {
    std::lock_guard lock(glue_mutex_);
    if (!call_through_) {
      auto created = create_call_through_manager(*jit_);
      if (!created) return created.error();
      call_through_ = created.take();
    }
    return call_through_.get();
  }
  Expected<std::unique_ptr<llvm::MemoryBuffer>> emit_object(const wasm::Module& module,
                                                            const vm::CompileOptions& options,
                                                            const std::string& name,
                                                            const std::function<void(ModuleEnv&)>& emit) override {
    return build_object(module, options, name, emit);
  }
  Expected<void> define_libcalls(llvm::orc::JITDylib& dylib) override;

 private:
  using Emit = std::function<void(ModuleEnv&)>;
  // Builds one object with `emit` (on the calling thread).
  Expected<std::unique_ptr<llvm::MemoryBuffer>> build_object(const wasm::Module& module,
                                                             const vm::CompileOptions& options,
                                                             const std::string& name, const Emit& emit);
  // Host stubs and entry trampolines: one small object each, kept for the engine's life and,
  // with a code cache, stored there as an image: a warm start compiles none.
  Expected<void*> compile_glue(const std::string& symbol, const wasm::FuncType& type, const Emit& emit);
  void* cached_glue(const std::string& key, const std::string& symbol);
  // Links objects into a new JITDylib and resolves `symbols`.
  Expected<std::unique_ptr<JitCode>> link(std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects,
                                          const std::vector<std::string>& symbols, std::vector<void*>& addresses);

  std::unique_ptr<llvm::orc::LLJIT> jit_;
  llvm::orc::JITTargetMachineBuilder builder_;
  CodeIdentity identity_;
  std::shared_ptr<CodeCache> cache_;  // null: no code cache
  std::atomic<uint64_t> next_id_{0};
  std::mutex glue_mutex_;
  std::vector<std::unique_ptr<vm::CompiledCode>> glue_;  // host stubs and trampolines live as long as the engine
  std::unique_ptr<llvm::orc::LazyCallThroughManager> call_through_;  // created with the first lazy module
};

Expected<std::unique_ptr<llvm::MemoryBuffer>> LlvmCodeGenerator::build_object(const wasm::Module& module,
                                                                              const vm::CompileOptions& options,
                                                                              const std::string& name,
                                                                              const Emit& emit) {
  llvm::LLVMContext ctx;
  llvm::Module llvm_module(name, ctx);
  if (auto ok = configure_for_host(llvm_module, builder_); !ok) return ok.error();
  ModuleEnv env(ctx, llvm_module, module, options);
  emit(env);
  env.debug.finish();
  return compile_to_object(llvm_module, builder_, options.opt_level);
}

Expected<void> LlvmCodeGenerator::define_libcalls(llvm::orc::JITDylib& dylib) {
  llvm::orc::SymbolMap libcalls;
  for (auto [name, address] : vm::libcall_symbols())
    libcalls[jit_->mangleAndIntern(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                                             llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
  if (auto e = dylib.define(llvm::orc::absoluteSymbols(std::move(libcalls))))
    return Error{"cannot define the runtime's symbols: " + error_text(std::move(e))};
  return {};
}

Expected<std::unique_ptr<JitCode>> LlvmCodeGenerator::link(std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects,
                                                          const std::vector<std::string>& symbols,
                                                          std::vector<void*>& addresses) {
  auto dylib = jit_->createJITDylib(fmt::format("wasm{}", next_id_++));
  if (!dylib) return Error{"cannot create a JIT library: " + error_text(dylib.takeError())};
  auto code = std::make_unique<JitCode>(*jit_, *dylib);

  if (auto ok = define_libcalls(*dylib); !ok) return ok.error();
  for (auto& object : objects)
    if (auto e = jit_->addObjectFile(*dylib, std::move(object)))
      return Error{"cannot add compiled code: " + error_text(std::move(e))};

  llvm::orc::SymbolLookupSet lookup;
  for (const std::string& s : symbols) lookup.add(jit_->mangleAndIntern(s));
  auto found = jit_->getExecutionSession().lookup(llvm::orc::makeJITDylibSearchOrder(&*dylib), lookup);
  if (!found) return Error{"cannot link compiled code: " + error_text(found.takeError())};
  addresses.clear();
  for (const std::string& s : symbols) addresses.push_back((*found)[jit_->mangleAndIntern(s)].getAddress().toPtr<void*>());
  return code;
}

Expected<Objects> LlvmCodeGenerator::emit_objects(const wasm::Module& module, const vm::CompileOptions& options) {
  // Partition defined functions into chunks of similar code size.
  size_t total = 0;
  for (const wasm::FunctionBody& b : module.bodies) total += b.code.size();
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  // A compile that may be cancelled (a background tier-up) is checked between chunks: it takes
  // chunks of the smallest size, so that a cancel waits for one of those only.
  size_t most_chunks = options.cancel ? std::numeric_limits<size_t>::max() : size_t(threads) * kChunksPerThread;
  size_t chunk_count = std::clamp<size_t>(total / kMinChunkBytes, 1, most_chunks);
  chunk_count = std::min(chunk_count, std::max<size_t>(module.bodies.size(), 1));
  std::vector<std::pair<uint32_t, uint32_t>> chunks;  // [first, last) defined-function indices
  size_t target = total / chunk_count + 1, accumulated = 0;
  uint32_t first = 0;
  for (uint32_t i = 0; i < module.bodies.size(); ++i) {
    accumulated += module.bodies[i].code.size();
    if (accumulated >= target && chunks.size() + 1 < chunk_count) {
      chunks.push_back({first, i + 1});
      first = i + 1;
      accumulated = 0;
    }
  }
  chunks.push_back({first, uint32_t(module.bodies.size())});
  const EntryPlan entries = plan_entry_trampolines(module);

  std::vector<Expected<std::unique_ptr<llvm::MemoryBuffer>>> objects;
  for (size_t k = 0; k < chunks.size(); ++k) objects.emplace_back(Error{"not compiled"});
  std::atomic<size_t> next{0};
  ProgressReporter progress(options.progress, module);
  auto worker = [&] {
    for (size_t k; (k = next.fetch_add(1)) < chunks.size();) {
      if (options.cancel && *options.cancel) break;
      objects[k] = build_object(module, options, fmt::format("chunk{}", k), [&](ModuleEnv& env) {
        if (k == 0)
          for (uint32_t t : entries.representatives)
            emit_entry_trampoline(env, module.types[t], trampoline_symbol(t));
        for (uint32_t i = chunks[k].first; i < chunks[k].second; ++i)
          FunctionTranslator(env, module.imported_funcs + i).translate();
      });
      progress.done(chunks[k].first, chunks[k].second);
    }
  };
  size_t helpers = std::min<size_t>(threads, chunks.size()) - 1;
  std::vector<std::thread> pool;
  for (size_t i = 0; i < helpers; ++i) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();

  Objects buffers;
  for (auto& o : objects) {
    if (!o) return o.error();
    buffers.push_back(o.take());
  }
  return buffers;
}

Expected<std::unique_ptr<vm::CompiledCode>> LlvmCodeGenerator::load_image(const wasm::Module& module,
                                                                          const CodeImageView& image,
                                                                          const ImageFile* file,
                                                                          std::shared_ptr<const void> owner,
                                                                          std::vector<std::span<const uint8_t>> objects,
                                                                          std::function<bool()> intact) {
  const EntryPlan entries = plan_entry_trampolines(module);
  if (image.symbols.size() != module.bodies.size() + entries.representatives.size())
    return Error{"damaged code image: it does not hold this module's functions"};
  auto loaded = LoadedImage::load(image, file, runtime_symbol);
  if (!loaded) return loaded.error();
  std::vector<void*> addresses;
  std::vector<uint64_t> sizes;
  addresses.reserve(image.symbols.size());
  sizes.reserve(image.symbols.size());
  for (const CodeImage::Symbol& s : image.symbols) {
    addresses.push_back(reinterpret_cast<void*>((*loaded)->address(s)));
    sizes.push_back(s.size);
  }
  auto code = std::make_unique<ImageCode>(loaded.take());
  code->code_token_ = publish(*code, module, entries, addresses, sizes,
                              make_lazy_inline_resolver(std::move(owner), std::move(objects), std::move(intact),
                                                        module.names));
  return std::unique_ptr<vm::CompiledCode>(std::move(code));
}

Expected<std::unique_ptr<vm::CompiledCode>> LlvmCodeGenerator::link_objects(const wasm::Module& module, Objects buffers) {
  // The same plan as when the objects were emitted (it depends on the module alone), so cached
  // objects link with the trampolines they hold.
  const EntryPlan entries = plan_entry_trampolines(module);
  std::vector<std::string> symbols = code_symbols(module, entries);
  std::map<std::string, uint64_t> sizes_by_name = symbol_sizes(buffers);
  std::vector<uint64_t> sizes;
  for (const std::string& s : symbols) sizes.push_back(sizes_by_name[s]);
  std::shared_ptr<const vm::InlineResolver> inlining = make_inline_resolver(buffers, module.names);
  std::vector<void*> addresses;
  auto linked = link(std::move(buffers), symbols, addresses);
  if (!linked) return linked.error();
  std::unique_ptr<JitCode> code = linked.take();
  code->code_token_ = publish(*code, module, entries, addresses, sizes, inlining);
  return std::unique_ptr<vm::CompiledCode>(std::move(code));
}

void* LlvmCodeGenerator::cached_glue(const std::string& key, const std::string& symbol) {
  std::unique_ptr<CacheEntry> entry = cache_->load(key);
  if (!entry) return nullptr;
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(entry->getBufferStart()), entry->getBufferSize());
  auto artifact = read_artifact(bytes);
  if (!artifact || !artifact->image || artifact->image->symbols.size() != 1 ||
      !check_compatible(artifact->header, identity_, vm::CompileOptions{})) {
    cache_->remove(key);
    return nullptr;
  }
  ImageFile file{entry->fd(), uint64_t(artifact->image->bytes.data() - bytes.data())};
  auto loaded = LoadedImage::load(*artifact->image, &file, runtime_symbol);
  if (!loaded) {
    cache_->remove(key);
    return nullptr;
  }
  void* address = reinterpret_cast<void*>((*loaded)->address(artifact->image->symbols[0]));
  std::lock_guard lock(glue_mutex_);
  glue_.push_back(std::make_unique<ImageCode>(loaded.take()));
  return address;
}

Expected<void*> LlvmCodeGenerator::compile_glue(const std::string& symbol, const wasm::FuncType& type,
                                                const Emit& emit) {
  std::string text = symbol + '/' + signature_key(type);
  ModuleHash hash = hash_module({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  std::string key = CodeCache::key(hash, identity_, vm::CompileOptions{});
  if (cache_)
    if (void* address = cached_glue(key, symbol)) return address;
  wasm::Module empty;
  vm::CompileOptions options;
  auto object = build_object(empty, options, symbol, emit);
  if (!object) return object.error();
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> objects;
  objects.push_back(object.take());
  if (cache_) {
    std::vector<std::span<const uint8_t>> views{{reinterpret_cast<const uint8_t*>(objects[0]->getBufferStart()),
                                                 objects[0]->getBufferSize()}};
    if (auto image = link_code_image(views, {symbol}, preferred_image_base(hash)))
      (void)cache_->store(key, write_artifact({identity_, options, hash}, views, {}, &*image));
  }
  std::vector<void*> addresses;
  auto code = link(std::move(objects), {symbol}, addresses);
  if (!code) return code.error();
  std::lock_guard lock(glue_mutex_);
  glue_.push_back(code.take());
  return addresses[0];
}

Expected<void*> LlvmCodeGenerator::host_stub(const wasm::FuncType& type) {
  return compile_glue("stub", type, [&](ModuleEnv& env) { emit_host_stub(env, type, "stub"); });
}

Expected<vm::EntryTrampoline> LlvmCodeGenerator::entry_trampoline(const wasm::FuncType& type) {
  auto code = compile_glue("entry", type, [&](ModuleEnv& env) { emit_entry_trampoline(env, type, "entry"); });
  if (!code) return code.error();
  return reinterpret_cast<vm::EntryTrampoline>(*code);
}

}  // namespace

Expected<std::unique_ptr<vm::CodeGenerator>> create_llvm_code_generator(std::shared_ptr<CodeCache> cache) {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    // For JIT developers: WASMRUN_LLVM_ARGS passes options to LLVM, as `opt`/`llc` would take them.
    if (const char* extra = std::getenv("WASMRUN_LLVM_ARGS")) {
      std::vector<std::string> words{"wasmrun"};
      std::istringstream in(extra);
      for (std::string w; in >> w;) words.push_back(w);
      std::vector<const char*> argv;
      for (const std::string& w : words) argv.push_back(w.c_str());
      llvm::cl::ParseCommandLineOptions(int(argv.size()), argv.data());
    }
  });
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder) return Error{"cannot detect the host for the JIT: " + error_text(builder.takeError())};
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit) return Error{"cannot start the LLVM JIT: " + error_text(jit.takeError())};
  return std::unique_ptr<vm::CodeGenerator>(new LlvmCodeGenerator(std::move(*jit), std::move(*builder), std::move(cache)));
}

}  // namespace wasmrun::jit
