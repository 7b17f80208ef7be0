#include "cli/load_binary.h"

#include "support/file.h"
#include "text/wat.h"

namespace wasmrun::cli {

Expected<std::vector<uint8_t>> load_binary(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes || !text::is_wat_text(*bytes)) return bytes;
  return text::parse_wat({reinterpret_cast<const char*>(bytes->data()), bytes->size()}, path);
}

}  // namespace wasmrun::cli
