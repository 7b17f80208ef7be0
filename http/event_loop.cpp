#include "http/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

namespace wasmrun::http {

Timer::Timer(EventLoop& loop, std::function<void()> callback)
    : loop_(loop), callback_(std::move(callback)) {}

Timer::~Timer() { cancel(); }

void Timer::arm(Clock::time_point deadline) {
  cancel();
  id_ = loop_.next_timer_id_++;
  deadline_ = deadline;
  loop_.timers_.emplace(id_, this);
  loop_.timer_heap_.push_back({deadline, id_});
  std::push_heap(loop_.timer_heap_.begin(), loop_.timer_heap_.end(), std::greater<>());
}

void Timer::arm_after(Duration delay) { arm(loop_.now() + delay); }

void Timer::cancel() {
  if (id_ == 0) return;
  loop_.timers_.erase(id_);  // the heap entry goes stale and is skipped
  id_ = 0;
}

DeferredCall::DeferredCall(EventLoop& loop, std::function<void()> callback)
    : loop_(loop), callback_(std::move(callback)) {}

DeferredCall::~DeferredCall() { cancel(); }

void DeferredCall::cancel() {
  if (!prev_) return;
  prev_->next_ = next_;
  if (next_) next_->prev_ = prev_;
  else loop_.deferred_head_.prev_ = prev_ == &loop_.deferred_head_ ? nullptr : prev_;
  prev_ = next_ = nullptr;
}

void DeferredCall::schedule() {
  if (prev_) return;
  // Append at the tail: deferred_head_.prev_ is the tail (or the head itself when empty).
  DeferredCall& head = loop_.deferred_head_;
  DeferredCall* tail = head.prev_ ? head.prev_ : &head;
  tail->next_ = this;
  prev_ = tail;
  next_ = nullptr;
  head.prev_ = this;
}

Expected<std::unique_ptr<EventLoop>> EventLoop::create() {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return Error{fmt::format("epoll_create1: {}", std::strerror(errno))};
  int wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake < 0) {
    int e = errno;
    close(ep);
    return Error{fmt::format("eventfd: {}", std::strerror(e))};
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // the wake fd is recognised by its null watcher
  if (epoll_ctl(ep, EPOLL_CTL_ADD, wake, &ev) < 0) {
    int e = errno;
    close(ep);
    close(wake);
    return Error{fmt::format("epoll_ctl(eventfd): {}", std::strerror(e))};
  }
  return std::unique_ptr<EventLoop>(new EventLoop(ep, wake));
}

EventLoop::EventLoop(int epoll_fd, int wake_fd)
    : epoll_fd_(epoll_fd), wake_fd_(wake_fd), now_(Clock::now()), deferred_head_(*this, nullptr) {}

EventLoop::~EventLoop() {
  // Run what is still pending so that owners scheduled for deletion are deleted.
  drain_posted();
  run_deferred();
  // Unlink anything still scheduled so DeferredCall destructors do not touch a dead loop.
  for (DeferredCall* c = deferred_head_.next_; c;) {
    DeferredCall* n = c->next_;
    c->prev_ = c->next_ = nullptr;
    c = n;
  }
  deferred_head_.prev_ = deferred_head_.next_ = nullptr;
  for (auto& [id, timer] : timers_) timer->id_ = 0;
  close(epoll_fd_);
  close(wake_fd_);
}

Expected<void> EventLoop::control(int op, int fd, uint32_t events, IoWatcher* watcher, bool edge_triggered) {
  epoll_event ev{};
  ev.events = events | (edge_triggered ? EPOLLET : 0);
  ev.data.ptr = watcher;
  if (epoll_ctl(epoll_fd_, op, fd, &ev) < 0)
    return Error{fmt::format("epoll_ctl({} fd {}): {}", op == EPOLL_CTL_ADD ? "add" : "mod", fd,
                             std::strerror(errno))};
  return {};
}

Expected<void> EventLoop::watch(int fd, uint32_t events, IoWatcher* watcher, bool edge_triggered) {
  return control(EPOLL_CTL_ADD, fd, events, watcher, edge_triggered);
}

Expected<void> EventLoop::rewatch(int fd, uint32_t events, IoWatcher* watcher, bool edge_triggered) {
  return control(EPOLL_CTL_MOD, fd, events, watcher, edge_triggered);
}

void EventLoop::unwatch(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::defer(std::function<void()> task) { tasks_.push_back(std::move(task)); }

void EventLoop::post(std::function<void()> task) {
  {
    std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(task));
  }
  wake();
}

void EventLoop::wake() {
  uint64_t one = 1;
  ssize_t r = write(wake_fd_, &one, sizeof one);
  (void)r;  // EAGAIN means the counter is already non-zero: the loop will wake anyway
}

void EventLoop::stop() {
  post([this] { stop_requested_ = true; });
}

void EventLoop::drain_posted() {
  std::vector<std::function<void()>> posted;
  {
    std::lock_guard lock(posted_mutex_);
    posted.swap(posted_);
  }
  for (auto& task : posted) task();
}

void EventLoop::run_timers() {
  while (!timer_heap_.empty() && timer_heap_.front().deadline <= now_) {
    std::pop_heap(timer_heap_.begin(), timer_heap_.end(), std::greater<>());
    TimerEntry entry = timer_heap_.back();
    timer_heap_.pop_back();
    auto it = timers_.find(entry.id);
    if (it == timers_.end()) continue;  // cancelled or re-armed
    Timer* timer = it->second;
    timers_.erase(it);
    timer->id_ = 0;
    timer->callback_();
  }
}

void EventLoop::run_deferred() {
  // Bounded passes so that a call that keeps rescheduling itself cannot starve I/O.
  for (int pass = 0; pass < 64; ++pass) {
    bool any = false;
    while (DeferredCall* c = deferred_head_.next_) {
      deferred_head_.next_ = c->next_;
      if (c->next_) c->next_->prev_ = &deferred_head_;
      else deferred_head_.prev_ = nullptr;
      c->prev_ = c->next_ = nullptr;
      if (c->callback_) c->callback_();
      any = true;
    }
    if (!tasks_.empty()) {
      std::vector<std::function<void()>> tasks;
      tasks.swap(tasks_);
      for (auto& task : tasks) task();
      any = true;
    }
    if (!any) return;
  }
}

int EventLoop::next_timeout_ms(Duration max_wait) {
  if (deferred_head_.next_ || !tasks_.empty()) return 0;
  Duration wait = max_wait;
  if (!timer_heap_.empty()) {
    Duration until = timer_heap_.front().deadline - Clock::now();
    if (until < wait) wait = until;
  }
  if (wait <= Duration::zero()) return 0;
  // Round up so a timer is never woken for a hair early and then spun on.
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  return static_cast<int>(std::min<int64_t>(ms, 1 << 30));
}

void EventLoop::run_once(Duration max_wait) {
  epoll_event events[256];
  int n = epoll_wait(epoll_fd_, events, 256, next_timeout_ms(max_wait));
  now_ = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto* watcher = static_cast<IoWatcher*>(events[i].data.ptr);
    if (!watcher) {
      uint64_t count;
      ssize_t r = read(wake_fd_, &count, sizeof count);
      (void)r;
      drain_posted();
      continue;
    }
    watcher->on_io(events[i].events);
  }
  run_timers();
  run_deferred();
}

void EventLoop::run() {
  while (!stop_requested_) run_once(std::chrono::hours(1));
}

std::string_view EventLoop::http_date() {
  time_t t = time(nullptr);
  if (t != date_second_) {
    date_second_ = t;
    tm g;
    gmtime_r(&t, &g);
    strftime(date_, sizeof date_, "%a, %d %b %Y %H:%M:%S GMT", &g);
  }
  return date_;
}

}  // namespace wasmrun::http
