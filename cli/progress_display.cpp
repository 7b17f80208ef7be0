#include "cli/progress_display.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace wasmrun::cli {

namespace {
constexpr std::chrono::seconds kQuietFor{1};  // compiles shorter than this show nothing
}

ProgressDisplay::ProgressDisplay(std::string name)
    : name_(std::move(name)), terminal_(isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {}

void ProgressDisplay::attach(Config& config) {
  start_ = std::chrono::steady_clock::now();
  if (terminal_) config.compile_progress = [this](const CompileProgress& p) { update(p); };
}

void ProgressDisplay::update(const CompileProgress& p) {
  std::lock_guard lock(mutex_);
  last_ = p;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (seconds < std::chrono::duration<double>(kQuietFor).count() || p.bytes_total == 0) return;
  double rate = p.bytes_done / seconds;  // bytes of function bodies per second
  std::string left = rate > 0 ? fmt::format(", about {:.0f} s left", (p.bytes_total - p.bytes_done) / rate) : "";
  std::string speed = rate >= 1e6 ? fmt::format("{:.1f} MB/s", rate / 1e6) : fmt::format("{:.0f} KB/s", rate / 1e3);
  fmt::print(stderr, "\rcompiling {}: {}/{} functions, {}{}\x1b[K", name_, p.functions_done, p.functions_total, speed,
             left);
  std::fflush(stderr);
  shown_ = true;
}

void ProgressDisplay::finish() {
  std::lock_guard lock(mutex_);
  if (!shown_) return;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  fmt::print(stderr, "\rcompiled {}: {} functions in {:.1f} s\x1b[K\n", name_, last_.functions_total, seconds);
  shown_ = false;
}

}  // namespace wasmrun::cli
