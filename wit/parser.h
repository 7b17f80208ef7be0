// WIT text → syntax tree (WIT.md grammar). Errors read `file.wit:12:7: expected ...`.
#pragma once

#include <memory>
#include <string>

#include "wasmrun/expected.h"
#include "wit/ast.h"

namespace wasmrun::wit {

Expected<ast::File> parse_file(std::shared_ptr<const SourceFile> source);

// Convenience for tests and tools: parse `text` named `path` in messages.
Expected<ast::File> parse_text(std::string text, std::string path);

}  // namespace wasmrun::wit
