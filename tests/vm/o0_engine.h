// One engine at opt level 0 shared by the tests of tests/vm (compiling fast matters more than
// the code's speed there).
#pragma once

#include "wasmrun/wasmrun.h"

namespace wasmrun::testing {

inline const Engine& o0_engine() {
  static Engine e = [] {
    Config config;
    config.opt_level = 0;
    return Engine::create(config).take();
  }();
  return e;
}

}  // namespace wasmrun::testing
