// A WASI preview1 context: what one guest sees of the host — its arguments, environment,
// descriptors (stdio and preopened directories) and clocks. One context serves one guest
// instance at a time; host functions reach it through the closures bindings.h creates.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "wasi/preview1/fd_table.h"
#include "wasmrun/expected.h"

namespace wasmrun::wasi::preview1 {

struct Preopen {
  std::string host_path;   // a directory on the host
  std::string guest_path;  // the name the guest sees (fd_prestat_dir_name)
};

struct Config {
  std::vector<std::string> args;  // args[0] is the program name
  std::vector<std::string> env;   // "NAME=value"
  std::vector<Preopen> preopens;  // guest fds 3, 4, ... in this order
  // The host descriptors the guest's fds 0, 1 and 2 use (borrowed, never closed); -1 leaves that
  // guest fd closed.
  int stdin_fd = 0, stdout_fd = 1, stderr_fd = 2;
};

class Context {
 public:
  // Opens the preopened directories; an error names the directory that cannot be opened.
  static Expected<std::shared_ptr<Context>> create(const Config& config);

  const std::vector<std::string>& args() const { return args_; }
  const std::vector<std::string>& env() const { return env_; }
  FdTable& fds() { return fds_; }

 private:
  std::vector<std::string> args_;
  std::vector<std::string> env_;
  FdTable fds_;
};

}  // namespace wasmrun::wasi::preview1
