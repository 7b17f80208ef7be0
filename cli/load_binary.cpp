#include "cli/load_binary.h"

#include "support/file.h"
#include "text/wat.h"

namespace wasmrun::cli {

namespace {
// Whether `start` can begin a binary module or component ("\0asm") or text (whitespace, a
// comment or "("); anything else is rejected by the decoder from these bytes alone.
bool plausible_start(std::span<const uint8_t> start) {
  static constexpr uint8_t kMagic[] = {0x00, 'a', 's', 'm'};
  if (start.empty()) return true;
  if (start[0] == 0x00) {
    for (size_t i = 1; i < start.size() && i < 4; ++i)
      if (start[i] != kMagic[i]) return false;
    return true;
  }
  uint8_t c = start[0];
  return c == '(' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
}  // namespace

Expected<std::vector<uint8_t>> load_binary(const std::string& path) {
  auto bytes = read_file(path, kMaxInputFileBytes, plausible_start);
  if (!bytes || !text::is_wat_text(*bytes)) return bytes;
  return text::parse_wat({reinterpret_cast<const char*>(bytes->data()), bytes->size()}, path);
}

}  // namespace wasmrun::cli
