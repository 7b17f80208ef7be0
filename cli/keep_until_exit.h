// `wasmrun run` ends the process with _Exit once the guest is done (cli/run_command.cpp), so that a
// background compile of the lazy tier (issue 14) is not waited for: it would only have served
// later calls. The compiled code must then outlive the run's locals, whose destruction would
// wait for that compile: a run hands its Module or Component here.
#pragma once

#include <memory>
#include <utility>
#include <vector>

namespace wasmrun::cli {

template <class T>
void keep_until_exit(T handle) {
  // Never destroyed: the process ends with _Exit, or with exit() after the run (the objects are
  // still reachable from here, not leaked).
  static auto* kept = new std::vector<std::shared_ptr<void>>();
  kept->push_back(std::make_shared<T>(std::move(handle)));
}

}  // namespace wasmrun::cli
