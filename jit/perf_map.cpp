#include "jit/perf_map.h"

#include <fmt/format.h>
#include <llvm/Object/ELFObjectFile.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace wasmrun::jit {

bool perf_map_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("WASMRUN_PERF_MAP");
    return v && *v && std::string(v) != "0";
  }();
  return enabled;
}

std::map<std::string, uint64_t> symbol_sizes(const std::vector<std::unique_ptr<llvm::MemoryBuffer>>& objects) {
  std::map<std::string, uint64_t> sizes;
  for (const auto& buffer : objects) {
    auto object = llvm::object::ObjectFile::createObjectFile(buffer->getMemBufferRef());
    if (!object) {
      llvm::consumeError(object.takeError());
      continue;
    }
    for (const llvm::object::SymbolRef& symbol : (*object)->symbols()) {
      auto name = symbol.getName();
      if (!name) {
        llvm::consumeError(name.takeError());
        continue;
      }
      sizes[name->str()] = llvm::object::ELFSymbolRef(symbol).getSize();
    }
  }
  return sizes;
}

void append_to_perf_map(const std::vector<vm::CodeRange>& ranges) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::FILE* f = std::fopen(fmt::format("/tmp/perf-{}.map", getpid()).c_str(), "a");
  if (!f) return;
  for (const vm::CodeRange& r : ranges) fmt::print(f, "{:x} {:x} {}\n", r.begin, r.end - r.begin, r.name());
  std::fclose(f);
}

}  // namespace wasmrun::jit
