// The seam every request's guest call runs through: a task that starts on the loop, can suspend
// itself (a guest blocked on a pollable) and is resumed by the loop when what it waits for is
// ready. Exactly one of the loop and its tasks runs at any moment, so a task touches the loop's
// objects (body pipes, timers) as the loop itself would.
//
// This implementation runs each task on a pooled thread and hands control back and forth with
// semaphores: the runtime's per-thread trap and stack-limit state stays right without fiber
// support in the runtime. A fiber (same interface, a stack switch instead of a thread switch)
// replaces it once the runtime keeps that state per fiber.
#pragma once

#include <functional>
#include <memory>

namespace wasmrun::wasi::http {

class GuestTask {
 public:
  virtual ~GuestTask() = default;
  // Runs `body` until it suspends or returns; on the loop thread.
  static std::shared_ptr<GuestTask> start(std::function<void()> body);
  // Continues a suspended task until it suspends again or returns; a no-op once finished.
  virtual void resume() = 0;
  virtual bool finished() const = 0;
  // Inside a task: suspends it, returning when the loop resumes it.
  static void suspend();
  // The task running on this thread, or null on the loop.
  static GuestTask* current();
};

}  // namespace wasmrun::wasi::http
