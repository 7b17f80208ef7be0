// A growable byte queue: append at the tail, consume from the head, without zero-filling.
// Connections use it for socket input and output.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace wasmrun::http {

class ByteBuffer {
 public:
  const char* data() const { return buf_.get() + start_; }
  size_t size() const { return end_ - start_; }
  bool empty() const { return start_ == end_; }
  std::string_view view() const { return {data(), size()}; }

  void consume(size_t n) {
    start_ += n;
    if (start_ >= end_) start_ = end_ = 0;
  }
  void clear() { start_ = end_ = 0; }

  // A writable area of at least `n` bytes at the tail; commit() what was written.
  char* prepare(size_t n) {
    if (cap_ - end_ < n) {
      size_t used = end_ - start_;
      if (start_ > 0 && cap_ - used >= n && start_ >= used) {
        std::memmove(buf_.get(), buf_.get() + start_, used);
      } else {
        size_t cap = cap_ ? cap_ : 4096;
        while (cap - used < n) cap *= 2;
        auto grown = std::make_unique_for_overwrite<char[]>(cap);
        if (used) std::memcpy(grown.get(), buf_.get() + start_, used);
        buf_ = std::move(grown);
        cap_ = cap;
      }
      start_ = 0;
      end_ = used;
    }
    return buf_.get() + end_;
  }
  size_t tail_room() const { return cap_ - end_; }
  void commit(size_t n) { end_ += n; }

  void append(std::string_view s) {
    if (s.empty()) return;
    std::memcpy(prepare(s.size()), s.data(), s.size());
    commit(s.size());
  }
  void append(char c) {
    *prepare(1) = c;
    commit(1);
  }
  // Frees the storage when empty (idle connections keep no buffers).
  void shrink_if_empty() {
    if (empty() && cap_ > 64 * 1024) {
      buf_.reset();
      cap_ = start_ = end_ = 0;
    }
  }

 private:
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0, start_ = 0, end_ = 0;
};

}  // namespace wasmrun::http
