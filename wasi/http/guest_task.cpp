#include "wasi/http/guest_task.h"

#include <pthread.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

namespace wasmrun::wasi::http {

namespace {

// Native stack of a guest thread: the wasm stack budget (--max-wasm-stack, 1 MiB by default)
// plus the host's reserve, with room to spare; pages are committed only when touched.
constexpr size_t kGuestStackBytes = 8u << 20;
// Idle threads kept for later tasks; more are ended when they finish.
constexpr size_t kMaxIdleThreads = 64;

class ThreadTask;

thread_local ThreadTask* tls_task = nullptr;

// A thread that runs one task at a time and then waits for the next.
class Worker {
 public:
  Worker() {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, kGuestStackBytes);
    if (pthread_create(&thread_, &attr, &Worker::main, this) != 0) {
      std::fprintf(stderr, "wasmrun: cannot start a guest thread\n");
      std::abort();
    }
    pthread_attr_destroy(&attr);
    pthread_detach(thread_);
  }
  void give(ThreadTask* task) {
    {
      std::lock_guard lock(mutex_);
      task_ = task;
    }
    wake_.notify_one();
  }

 private:
  static void* main(void* self);
  pthread_t thread_{};
  std::mutex mutex_;
  std::condition_variable wake_;
  ThreadTask* task_ = nullptr;
};

std::mutex g_idle_mutex;
std::vector<Worker*> g_idle;

class ThreadTask final : public GuestTask {
 public:
  explicit ThreadTask(std::function<void()> body) : body_(std::move(body)) {}

  void begin() {
    Worker* worker = nullptr;
    {
      std::lock_guard lock(g_idle_mutex);
      if (!g_idle.empty()) {
        worker = g_idle.back();
        g_idle.pop_back();
      }
    }
    if (!worker) worker = new Worker();
    worker->give(this);
    to_loop_.acquire();
  }
  void resume() override {
    if (finished_) return;
    to_task_.release();
    to_loop_.acquire();
  }
  bool finished() const override { return finished_; }

  // On the worker thread.
  void run() {
    tls_task = this;
    body_();
    body_ = nullptr;
    tls_task = nullptr;
    finished_ = true;
  }
  void suspend_here() {
    to_loop_.release();
    to_task_.acquire();
  }
  // Hands control back to the loop for good; after this the task may be destroyed.
  void end() { to_loop_.release(); }

 private:
  std::function<void()> body_;
  bool finished_ = false;
  std::binary_semaphore to_task_{0};
  std::binary_semaphore to_loop_{0};
};

void* Worker::main(void* raw) {
  auto* self = static_cast<Worker*>(raw);
  for (;;) {
    ThreadTask* task;
    {
      std::unique_lock lock(self->mutex_);
      self->wake_.wait(lock, [&] { return self->task_ != nullptr; });
      task = self->task_;
      self->task_ = nullptr;
    }
    task->run();
    bool keep;
    {
      std::lock_guard lock(g_idle_mutex);
      keep = g_idle.size() < kMaxIdleThreads;
      if (keep) g_idle.push_back(self);
    }
    task->end();
    if (!keep) {
      delete self;
      return nullptr;
    }
  }
}

}  // namespace

std::shared_ptr<GuestTask> GuestTask::start(std::function<void()> body) {
  auto task = std::make_shared<ThreadTask>(std::move(body));
  task->begin();
  return task;
}

void GuestTask::suspend() {
  if (tls_task) tls_task->suspend_here();
}

GuestTask* GuestTask::current() { return tls_task; }

}  // namespace wasmrun::wasi::http
