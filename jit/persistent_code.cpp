#include "jit/persistent_code.h"

#include <fmt/format.h>

#include "runtime/decode/module_decoder.h"

namespace wasmrun::jit {

namespace {

std::vector<std::span<const uint8_t>> views(const Objects& objects) {
  std::vector<std::span<const uint8_t>> out;
  for (const auto& o : objects)
    out.emplace_back(reinterpret_cast<const uint8_t*>(o->getBufferStart()), o->getBufferSize());
  return out;
}

// Buffers over an artifact's objects, valid while the artifact's bytes are: the linker copies
// the code out of them before link_objects returns.
Objects borrowed(const Artifact& artifact) {
  Objects out;
  for (size_t i = 0; i < artifact.objects.size(); ++i) {
    std::span<const uint8_t> o = artifact.objects[i];
    out.push_back(llvm::MemoryBuffer::getMemBuffer(
        llvm::StringRef(reinterpret_cast<const char*>(o.data()), o.size()), fmt::format("object{}", i), false));
  }
  return out;
}

std::span<const uint8_t> bytes_of(const llvm::MemoryBuffer& buffer) {
  return {reinterpret_cast<const uint8_t*>(buffer.getBufferStart()), buffer.getBufferSize()};
}

// The objects linked once for the module's preferred base; none when the simple linker cannot.
std::optional<CodeImage> link_image(ObjectPipeline& pipeline, const wasm::Module& module, const ModuleHash& hash,
                                    const Objects& objects) {
  auto image = link_code_image(views(objects), pipeline.image_symbols(module), preferred_image_base(hash));
  if (!image) return std::nullopt;
  return image.take();
}

std::vector<uint8_t> write_with_image(ObjectPipeline& pipeline, const wasm::Module& module,
                                      const vm::CompileOptions& options, const Objects& objects,
                                      std::span<const uint8_t> module_bytes) {
  ModuleHash hash = hash_module(module.bytes);
  std::optional<CodeImage> image = link_image(pipeline, module, hash, objects);
  return write_artifact({pipeline.identity(), options, hash}, views(objects), module_bytes, image ? &*image : nullptr);
}

// The cached entry for `key`, if it is whole, made by this build for this host and options,
// and for this module; a damaged or foreign entry is removed.
std::unique_ptr<vm::CompiledCode> link_entry(ObjectPipeline& pipeline, CodeCache& cache, const std::string& key,
                                             std::unique_ptr<CacheEntry> owned, const ModuleHash& hash,
                                             const wasm::Module& module, const vm::CompileOptions& options) {
  std::shared_ptr<const CacheEntry> entry(std::move(owned));
  auto artifact = read_artifact(bytes_of(*entry));
  bool usable = artifact && artifact->header.module_hash == hash &&
                artifact->header.options.opt_level == options.opt_level &&
                check_compatible(artifact->header, pipeline.identity(), options);
  if (!usable) {
    cache.remove(key);
    return nullptr;
  }
  Expected<std::unique_ptr<vm::CompiledCode>> code = Error{""};
  if (artifact->image) {
    ImageFile file{entry->fd(), uint64_t(artifact->image->bytes.data() - bytes_of(*entry).data())};
    code = pipeline.load_image(module, *artifact->image, &file, entry, artifact->objects);
  } else {
    code = pipeline.link_objects(module, borrowed(*artifact));
  }
  if (!code) {
    cache.remove(key);
    return nullptr;
  }
  ++cache.stats().hits;
  return code.take();
}

}  // namespace

std::unique_ptr<vm::CompiledCode> cached_code(ObjectPipeline& pipeline, CodeCache& cache, const wasm::Module& module,
                                              const vm::CompileOptions& options) {
  ModuleHash hash = hash_module(module.bytes);
  std::string key = CodeCache::key(hash, pipeline.identity(), options);
  std::unique_ptr<CacheEntry> entry = cache.load(key);
  if (!entry) return nullptr;
  return link_entry(pipeline, cache, key, std::move(entry), hash, module, options);
}

void store_code(ObjectPipeline& pipeline, CodeCache& cache, const wasm::Module& module,
                const vm::CompileOptions& options, const Objects& objects) {
  ModuleHash hash = hash_module(module.bytes);
  // A cache that cannot be written costs only speed: the code is still good.
  (void)cache.store(CodeCache::key(hash, pipeline.identity(), options),
                    write_with_image(pipeline, module, options, objects, {}));
}

Expected<std::unique_ptr<vm::CompiledCode>> compile_through_cache(ObjectPipeline& pipeline, CodeCache& cache,
                                                                  const wasm::Module& module,
                                                                  const vm::CompileOptions& options) {
  if (auto code = cached_code(pipeline, cache, module, options)) return code;
  ++cache.stats().misses;
  auto objects = pipeline.emit_objects(module, options);
  if (!objects) return objects.error();
  store_code(pipeline, cache, module, options, *objects);
  return pipeline.link_objects(module, objects.take());
}

std::optional<vm::LoadedCode> load_cached(ObjectPipeline& pipeline, CodeCache& cache, std::span<const uint8_t> bytes,
                                          const vm::CompileOptions& options) {
  ModuleHash hash = hash_module(bytes);
  std::string key = CodeCache::key(hash, pipeline.identity(), options);
  std::unique_ptr<CacheEntry> entry = cache.load(key);
  if (!entry) return std::nullopt;
  // Only validated modules are stored, under the hash of their bytes: checking the format suffices.
  auto module = wasm::decode_module(bytes, {.validate = false, .read_bodies = false});
  if (!module) return std::nullopt;
  auto code = link_entry(pipeline, cache, key, std::move(entry), hash, *module, options);
  if (!code) return std::nullopt;
  return vm::LoadedCode{module.take(), std::move(code)};
}

Expected<std::vector<uint8_t>> serialize(ObjectPipeline& pipeline, const wasm::Module& module,
                                         const vm::CompileOptions& options) {
  auto objects = pipeline.emit_objects(module, options);
  if (!objects) return objects.error();
  return write_with_image(pipeline, module, options, *objects, module.bytes);
}

Expected<vm::LoadedCode> deserialize(ObjectPipeline& pipeline, std::span<const uint8_t> bytes,
                                     const vm::CompileOptions& options) {
  auto artifact = read_artifact(bytes);
  if (!artifact) return artifact.error();
  if (auto ok = check_compatible(artifact->header, pipeline.identity(), options); !ok) return ok.error();
  if (artifact->module_bytes.empty()) return Error{"this wasmrun artifact holds no module (it is a code cache entry)"};
  if (hash_module(artifact->module_bytes) != artifact->header.module_hash)
    return Error{"damaged wasmrun artifact: the module does not match its hash"};
  // The module was validated when the artifact was written; like Wasmtime's deserialize, loading
  // trusts the artifact's origin and checks its integrity, not the module again.
  auto module = wasm::decode_module(artifact->module_bytes, {.validate = false, .read_bodies = false});
  if (!module) return Error{"damaged wasmrun artifact: " + module.error().message};
  Expected<std::unique_ptr<vm::CompiledCode>> code = Error{""};
  if (artifact->image) {
    // The caller's bytes do not outlive this call: the debug info is kept in a copy.
    auto copy = std::make_shared<std::vector<std::vector<uint8_t>>>();
    std::vector<std::span<const uint8_t>> objects;
    for (std::span<const uint8_t> o : artifact->objects) objects.emplace_back(copy->emplace_back(o.begin(), o.end()));
    code = pipeline.load_image(*module, *artifact->image, nullptr, copy, std::move(objects));
  } else {
    code = pipeline.link_objects(*module, borrowed(*artifact));
  }
  if (!code) return code.error();
  return vm::LoadedCode{module.take(), code.take()};
}

}  // namespace wasmrun::jit
