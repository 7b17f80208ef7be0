#include "jit/code_cache.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

namespace wasmrun::jit {

namespace fs = std::filesystem;

namespace {

constexpr const char* kEntrySuffix = ".code";

Expected<void> write_all(int fd, std::span<const uint8_t> data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{std::strerror(errno)};
    data = data.subspan(size_t(n));
  }
  return {};
}

// A name no other writer (thread or process) picks at the same time.
std::string temporary_name() {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format(".tmp-{}-{}-{:x}", getpid(), counter++, random());
}

}  // namespace

std::string CodeCache::default_directory() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') return std::string(xdg) + "/wasmrun";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/wasmrun";
  return "";
}

std::string CodeCache::key(const ModuleHash& module, const CodeIdentity& identity, const vm::CompileOptions& options) {
  // One string of everything the code depends on, hashed; fields are length-prefixed so no two
  // different combinations read alike.
  std::string all = fmt::format("format {}\n", kArtifactFormat);
  for (const std::string* s : {&identity.wasmrun_version, &identity.source_hash, &identity.llvm_version, &identity.triple,
                               &identity.cpu, &identity.features})
    all += fmt::format("{}:{}\n", s->size(), *s);
  all += fmt::format("opt {} epoch {}\n", options.opt_level, options.epoch_interruption);
  all.append(module.begin(), module.end());
  ModuleHash h = hash_module({reinterpret_cast<const uint8_t*>(all.data()), all.size()});
  std::string hex;
  for (size_t i = 0; i < 20; ++i) hex += fmt::format("{:02x}", h[i]);
  return hex;
}

std::string CodeCache::path(const std::string& key) const { return config_.directory + "/" + key + kEntrySuffix; }

CacheEntry::CacheEntry(int fd, const char* data, size_t size) : fd_(fd) { init(data, data + size, false); }

CacheEntry::~CacheEntry() {
  if (getBufferSize()) ::munmap(const_cast<char*>(getBufferStart()), getBufferSize());
  ::close(fd_);
}

std::unique_ptr<CacheEntry> CodeCache::load(const std::string& key) {
  std::string file = path(key);
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return nullptr;
  }
  static const char nothing = 0;
  if (st.st_size == 0) return std::make_unique<CacheEntry>(fd, &nothing, 0);  // damaged: the reader says so
  // Populated at once: the checksum reads every byte, and faulting the pages one by one costs more.
  void* data = ::mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (data == MAP_FAILED) {
    ::close(fd);
    return nullptr;
  }
  // The modification time is the "last used" time of least-recently-used eviction.
  ::utimensat(AT_FDCWD, file.c_str(), nullptr, 0);
  return std::make_unique<CacheEntry>(fd, static_cast<const char*>(data), size_t(st.st_size));
}

Expected<void> CodeCache::store(const std::string& key, std::span<const uint8_t> entry) {
  std::error_code ec;
  fs::create_directories(config_.directory, ec);
  std::string temporary = config_.directory + "/" + temporary_name();
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Error{fmt::format("cannot write to the code cache {}: {}", config_.directory, std::strerror(errno))};
  auto written = write_all(fd, entry);
  ::close(fd);
  if (!written || ::rename(temporary.c_str(), path(key).c_str()) != 0) {
    std::string why = written ? std::strerror(errno) : written.error().message;
    ::unlink(temporary.c_str());
    return Error{fmt::format("cannot write to the code cache {}: {}", config_.directory, why)};
  }
  ++stats_.stores;
  evict(key);
  return {};
}

void CodeCache::remove(const std::string& key) {
  ++stats_.rejected;
  ::unlink(path(key).c_str());
}

void CodeCache::evict(const std::string& keep) {
  struct Entry {
    fs::path path;
    uint64_t size;
    fs::file_time_type used;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(config_.directory, ec)) {
    if (e.path().filename().string().starts_with(".tmp-")) {
      // A writer that died before its rename leaves its temporary file; an hour is long enough
      // for any live writer to have finished.
      std::error_code time_ec;
      if (fs::file_time_type::clock::now() - e.last_write_time(time_ec) > std::chrono::hours(1) && !time_ec)
        fs::remove(e.path(), time_ec);
      continue;
    }
    if (e.path().extension() != kEntrySuffix) continue;
    std::error_code size_ec, time_ec;
    uint64_t size = e.file_size(size_ec);
    fs::file_time_type used = e.last_write_time(time_ec);
    if (size_ec || time_ec) continue;  // removed meanwhile by another process
    total += size;
    if (e.path().stem() != keep) entries.push_back({e.path(), size, used});
  }
  if (total <= config_.max_bytes) return;
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
  for (const Entry& e : entries) {
    if (total <= config_.max_bytes) break;
    if (fs::remove(e.path, ec)) ++stats_.evicted;
    total -= e.size;
  }
}

}  // namespace wasmrun::jit
