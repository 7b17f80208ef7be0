// args_* and environ_*: lists of NUL-terminated strings copied into guest buffers.
#include <string>
#include <vector>

#include "wasi/preview1/host_functions.h"

namespace wasmrun::wasi::preview1 {

namespace {

Errno write_list(Call& c, const std::vector<std::string>& list, uint32_t pointers, uint32_t buffer) {
  uint32_t offset = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string& s = list[i];
    WASI_TRY(c.mem.store<uint32_t>(pointers + uint32_t(i * 4), buffer + offset));
    std::span<uint8_t> dst;
    WASI_TRY(c.mem.bytes(buffer + offset, s.size() + 1, dst));
    std::memcpy(dst.data(), s.c_str(), s.size() + 1);
    offset += uint32_t(s.size() + 1);
  }
  return Errno::Success;
}

Errno write_sizes(Call& c, const std::vector<std::string>& list, uint32_t count_out, uint32_t size_out) {
  uint64_t bytes = 0;
  for (const std::string& s : list) bytes += s.size() + 1;
  if (bytes > UINT32_MAX) return Errno::Overflow;
  WASI_TRY(c.mem.store<uint32_t>(count_out, uint32_t(list.size())));
  return c.mem.store<uint32_t>(size_out, uint32_t(bytes));
}

}  // namespace

Errno args_get(Call& c, uint32_t argv, uint32_t argv_buf) { return write_list(c, c.ctx.args(), argv, argv_buf); }
Errno args_sizes_get(Call& c, uint32_t argc_out, uint32_t size_out) {
  return write_sizes(c, c.ctx.args(), argc_out, size_out);
}
Errno environ_get(Call& c, uint32_t environ, uint32_t environ_buf) {
  return write_list(c, c.ctx.env(), environ, environ_buf);
}
Errno environ_sizes_get(Call& c, uint32_t count_out, uint32_t size_out) {
  return write_sizes(c, c.ctx.env(), count_out, size_out);
}

}  // namespace wasmrun::wasi::preview1
