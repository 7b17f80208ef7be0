// The on-disk code cache (DESIGN §5): one file per compiled module, named by a hash of the
// module's binary, the code identity (build, LLVM, target, CPU features) and the compile options.
// Entries are artifacts (artifact.h) without the module binary. Writes go to a temporary file
// renamed into place, so readers and concurrent writers see a whole entry or none; a reader that
// finds a damaged or foreign entry removes it and compiles again. Using an entry refreshes its
// modification time, and a store evicts the least recently used entries beyond the size bound.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <llvm/Support/MemoryBuffer.h>

#include "jit/artifact.h"
#include "wasmrun/expected.h"

namespace wasmrun::jit {

struct CodeCacheConfig {
  std::string directory;
  uint64_t max_bytes = uint64_t(1) << 30;
};

// An entry's bytes, mapped, with the file kept open: the code image inside is mapped from this
// very file, the one whose checksum was checked, whatever replaces the entry meanwhile.
class CacheEntry final : public llvm::MemoryBuffer {
 public:
  CacheEntry(int fd, const char* data, size_t size);
  ~CacheEntry() override;
  int fd() const { return fd_; }
  BufferKind getBufferKind() const override { return MemoryBuffer_MMap; }

 private:
  int fd_;
};

class CodeCache {
 public:
  explicit CodeCache(CodeCacheConfig config) : config_(std::move(config)) {}

  // $XDG_CACHE_HOME/wasmrun, else $HOME/.cache/wasmrun; empty when neither is set.
  static std::string default_directory();

  static std::string key(const ModuleHash& module, const CodeIdentity& identity, const vm::CompileOptions& options);

  // The entry's bytes, mapped; nothing when there is none.
  std::unique_ptr<CacheEntry> load(const std::string& key);
  // Replaces the entry atomically, then evicts beyond max_bytes.
  Expected<void> store(const std::string& key, std::span<const uint8_t> entry);
  // Drops an entry found damaged or foreign.
  void remove(const std::string& key);

  const std::string& directory() const { return config_.directory; }
  std::string path(const std::string& key) const;

  struct Stats {
    std::atomic<uint64_t> hits{0}, misses{0}, stores{0}, rejected{0}, evicted{0};
  };
  Stats& stats() { return stats_; }

 private:
  void evict(const std::string& keep);

  CodeCacheConfig config_;
  Stats stats_;
};

}  // namespace wasmrun::jit
