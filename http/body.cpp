#include "http/body.h"

namespace wasmrun::http {

BodyPipe::BodyPipe(EventLoop& loop, size_t high_water)
    : high_water_(high_water), readable_call_(loop, nullptr), writable_call_(loop, nullptr) {}

std::string_view BodyPipe::peek() const {
  if (head_ == chunks_.size()) return {};
  return std::string_view(chunks_[head_]).substr(head_offset_);
}

void BodyPipe::consume(size_t n) {
  if (n == 0) return;
  total_consumed_ += n;
  while (n > 0 && head_ < chunks_.size()) {
    size_t left = chunks_[head_].size() - head_offset_;
    size_t take = n < left ? n : left;
    head_offset_ += take;
    buffered_ -= take;
    n -= take;
    if (head_offset_ == chunks_[head_].size()) {
      ++head_;
      head_offset_ = 0;
    }
  }
  if (head_ == chunks_.size()) {
    chunks_.clear();
    head_ = 0;
  } else if (head_ > 32 && head_ * 2 > chunks_.size()) {
    chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<ptrdiff_t>(head_));
    head_ = 0;
  }
  notify_writable();
}

size_t BodyPipe::read_all(std::string& out) {
  size_t n = buffered_;
  for (size_t i = head_; i < chunks_.size(); ++i)
    out.append(std::string_view(chunks_[i]).substr(i == head_ ? head_offset_ : 0));
  consume(n);
  return n;
}

void BodyPipe::abandon() {
  if (abandoned_) return;
  abandoned_ = true;
  total_consumed_ += buffered_;
  chunks_.clear();
  head_ = head_offset_ = 0;
  buffered_ = 0;
  notify_writable();
}

void BodyPipe::set_on_readable(std::function<void()> callback) {
  has_readable_ = static_cast<bool>(callback);
  readable_call_.set_callback(std::move(callback));
  // Anything already there is reported as if it had just arrived.
  if (buffered_ > 0 || finished_ || error_) notify_readable();
}

void BodyPipe::set_on_writable(std::function<void()> callback) {
  has_writable_ = static_cast<bool>(callback);
  writable_call_.set_callback(std::move(callback));
}

void BodyPipe::write(std::string_view data) {
  if (data.empty() || finished_ || error_) return;
  total_written_ += data.size();
  if (abandoned_) return;
  // Small writes join the last chunk so a stream of tiny writes stays compact.
  if (head_ < chunks_.size() && chunks_.back().size() < 4096 && data.size() < 4096 &&
      !(chunks_.size() - 1 == head_ && head_offset_ > 0)) {
    chunks_.back().append(data);
  } else {
    chunks_.emplace_back(data);
  }
  buffered_ += data.size();
  notify_readable();
}

void BodyPipe::write(std::string&& data) {
  if (data.empty() || finished_ || error_) return;
  if (data.size() < 4096) {
    write(std::string_view(data));
    return;
  }
  total_written_ += data.size();
  if (abandoned_) return;
  buffered_ += data.size();
  chunks_.push_back(std::move(data));
  notify_readable();
}

void BodyPipe::finish(Fields trailers) {
  if (finished_ || error_) return;
  finished_ = true;
  trailers_ = std::move(trailers);
  notify_readable();
}

void BodyPipe::fail(ErrorCode error) {
  if (finished_ || error_) return;
  error_ = std::move(error);
  notify_readable();
  notify_writable();
}

void BodyPipe::notify_readable() {
  if (has_readable_) readable_call_.schedule();
}

void BodyPipe::notify_writable() {
  if (has_writable_) writable_call_.schedule();
}

}  // namespace wasmrun::http
