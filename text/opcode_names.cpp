#include "text/opcode_names.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace wasmrun::text {

std::span<const wasm::Op> ops_named(std::string_view name) {
  static const auto table = [] {
    std::unordered_map<std::string_view, std::vector<wasm::Op>> t;
    for (size_t i = 0; i < wasm::kOpInfo.size(); ++i) t[wasm::kOpInfo[i].text].push_back(wasm::Op(i));
    return t;
  }();
  auto it = table.find(name);
  if (it == table.end()) return {};
  return it->second;
}

void encode_opcode(BinaryWriter& out, wasm::Op op) {
  const wasm::OpInfo& info = wasm::info(op);
  if (info.prefix != 0) {
    out.u8(info.prefix);
    out.u32(info.code);
  } else {
    out.u8(uint8_t(info.code));
  }
}

}  // namespace wasmrun::text
