#include "wasmrun/wat.h"

#include "text/wat.h"

namespace wasmrun {

Expected<std::vector<uint8_t>> wat2wasm(std::string_view text, std::string_view file_name) {
  return text::parse_wat(text, file_name);
}

}  // namespace wasmrun
