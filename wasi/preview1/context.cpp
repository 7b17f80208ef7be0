#include "wasi/preview1/context.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace wasmrun::wasi::preview1 {

namespace {

Descriptor borrowed_stdio(int host_fd) {
  Descriptor d;
  d.host_fd = host_fd;
  struct stat st{};
  d.type = fstat(host_fd, &st) == 0 ? filetype_from_mode(st.st_mode) : Filetype::Unknown;
  d.base = max_base_rights(d.type);
  d.inheriting = max_inheriting_rights(d.type);
  if (d.type == Filetype::CharacterDevice) {
    // A terminal is a stream: no seeking (wasi-libc's isatty looks for exactly this).
    d.base &= ~(right::kFdSeek | right::kFdTell);
  }
  return d;
}

}  // namespace

Expected<std::shared_ptr<Context>> Context::create(const Config& config) {
  auto ctx = std::make_shared<Context>();
  ctx->args_ = config.args;
  ctx->env_ = config.env;
  int stdio[3] = {config.stdin_fd, config.stdout_fd, config.stderr_fd};
  for (uint32_t i = 0; i < 3; ++i)
    if (stdio[i] >= 0) ctx->fds_.insert_at(i, borrowed_stdio(stdio[i]));
  uint32_t next = 3;
  for (const Preopen& p : config.preopens) {
    int fd = open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Error{"cannot open the directory '" + p.host_path + "' to preopen: " + std::strerror(errno)};
    Descriptor d;
    d.owned.reset(fd);
    d.host_fd = fd;
    d.type = Filetype::Directory;
    d.base = max_base_rights(Filetype::Directory);
    d.inheriting = max_inheriting_rights(Filetype::Directory);
    d.preopen = p.guest_path;
    ctx->fds_.insert_at(next++, std::move(d));
  }
  return ctx;
}

}  // namespace wasmrun::wasi::preview1
