// The wasmrun subcommands. Each takes the arguments after its name and returns the exit code.
#pragma once

#include <span>
#include <string_view>

namespace wasmrun::cli {

using Args = std::span<const std::string_view>;

int validate_command(Args args);
int wast_command(Args args);
int run_command(Args args);
int wit_command(Args args);
int compile_command(Args args);
int serve_command(Args args);

// Prints "error: <message>" to stderr; returns the exit code for a failed command.
int fail(std::string_view message);

}  // namespace wasmrun::cli
