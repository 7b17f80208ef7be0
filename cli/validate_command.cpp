#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/load_binary.h"
#include "runtime/decode/component_decoder.h"
#include "runtime/decode/module_decoder.h"

namespace wasmrun::cli {

int validate_command(Args args) {
  if (args.size() != 1) return fail("usage: wasmrun validate FILE.wasm|FILE.wat");
  std::string path(args[0]);
  auto bytes = load_binary(path);
  if (!bytes) return fail(bytes.error().message);
  if (component::is_component_binary(*bytes)) {
    auto c = component::decode_component(*bytes);
    if (!c.component) return fail(fmt::format("{}: {}", path, c.error.message));
    return 0;
  }
  auto module = wasm::decode_module(*bytes);
  if (!module) return fail(fmt::format("{}: {}", path, module.error().message));
  return 0;
}

}  // namespace wasmrun::cli
