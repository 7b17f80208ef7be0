#include <fmt/format.h>

#include "cli/commands.h"
#include "runtime/decode/module_decoder.h"
#include "support/file.h"

namespace wasmrun::cli {

int validate_command(Args args) {
  if (args.size() != 1) return fail("usage: wasmrun validate FILE.wasm");
  std::string path(args[0]);
  auto bytes = read_file(path);
  if (!bytes) return fail(bytes.error().message);
  auto module = wasm::decode_module(*bytes);
  if (!module) return fail(fmt::format("{}: {}", path, module.error().message));
  return 0;
}

}  // namespace wasmrun::cli
