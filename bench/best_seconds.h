// The benchmarks' timer: the fastest of `runs` runs of `body`, in seconds (the minimum is the
// figure least disturbed by other work on the machine).
#pragma once

#include <algorithm>
#include <chrono>

namespace wasmrun::bench {

template <class F>
double best_seconds(int runs, F&& body) {
  double best = 1e30;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    body();
    std::chrono::duration<double> d = std::chrono::steady_clock::now() - start;
    best = std::min(best, d.count());
  }
  return best;
}

}  // namespace wasmrun::bench
