// The progress of a long compile on a terminal: "compiling app.wasm: 4012/12704 functions, 1.4
// MB/s, about 48 s left", shown once a compile has run for a second, on stderr only when stderr
// is a terminal; then one line saying how long it took.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "wasmrun/engine.h"

namespace wasmrun::cli {

class ProgressDisplay {
 public:
  explicit ProgressDisplay(std::string name);
  // Installs the display as `config`'s compile progress callback; the display must outlive it.
  void attach(Config& config);
  // Ends the progress line with the compile's total time, if a line was shown.
  void finish();

 private:
  void update(const CompileProgress& p);

  std::string name_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  bool shown_ = false;
  CompileProgress last_;
};

}  // namespace wasmrun::cli
