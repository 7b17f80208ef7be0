#include "runtime/decode/name_section.h"

#include "runtime/decode/reader.h"

namespace wasmrun::wasm {
namespace {

enum : uint8_t { kModuleName = 0, kFunctionNames = 1, kLocalNames = 2 };

std::unordered_map<uint32_t, std::string> name_map(Reader& r) {
  std::unordered_map<uint32_t, std::string> names;
  uint32_t n = r.count();
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t index = r.u32();
    names[index] = std::string(r.name());
  }
  return names;
}

void parse(Module& m, Reader& r) {
  while (!r.at_end()) {
    uint8_t id = r.u8();
    uint32_t size = r.u32();
    Reader sub = r.sub_reader(size, "name subsection size mismatch");
    switch (id) {
      case kModuleName:
        m.names.module = std::string(sub.name());
        break;
      case kFunctionNames:
        m.names.functions = name_map(sub);
        break;
      case kLocalNames: {
        uint32_t n = sub.count();
        for (uint32_t i = 0; i < n; ++i) {
          uint32_t func = sub.u32();
          m.names.locals[func] = name_map(sub);
        }
        break;
      }
      default:
        break;  // other subsections (labels, types, ...) are not used yet
    }
  }
}

}  // namespace

void parse_name_section(Module& m) {
  for (const CustomSection& c : m.customs) {
    if (c.name != "name") continue;
    Reader r(m.data(c.contents), m.data(c.contents) + c.contents.size(), c.contents.begin);
    Names saved = m.names;
    try {
      parse(m, r);
    } catch (const DecodeError&) {
      m.names = std::move(saved);
    }
    return;
  }
}

}  // namespace wasmrun::wasm
