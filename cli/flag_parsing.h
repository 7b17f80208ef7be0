// Flag values shared by `run` and `serve`, spelled as in wasmtime: `--flag VALUE` or
// `--flag=VALUE`, `--dir HOST[::GUEST]`, `--env NAME[=VALUE]`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cli/commands.h"

namespace wasmrun::cli {

// The value of `flag` at args[i] (advancing i past a separate value), or none when args[i] is
// another flag.
std::optional<std::string> flag_value(Args args, size_t& i, std::string_view flag);

// The list of `-S LIST`, `-SLIST`, `--wasi LIST` or `--wasi=LIST` (as wasmtime spells -S/--wasi
// and -W/--wasm), or none when args[i] is another flag.
std::optional<std::string> option_list_value(Args args, size_t& i, std::string_view short_flag, std::string_view long_flag);

// --dir HOST[::GUEST]: without ::GUEST the guest sees the host path as written. None when a part
// is empty.
std::optional<std::pair<std::string, std::string>> parse_dir(std::string_view value);

// --env NAME=VALUE, or NAME alone for the host's value (none when the host has no such variable:
// nothing is passed). The outer none: no NAME.
std::optional<std::optional<std::pair<std::string, std::string>>> parse_env(std::string_view value);

}  // namespace wasmrun::cli
