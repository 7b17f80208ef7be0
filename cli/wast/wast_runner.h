// Runs WAST scripts against the runtime and counts results per command kind.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

#include "text/wast_script.h"

namespace wasmrun::cli {

struct WastOptions {
  bool parse_only = false;      // parse and encode every form; nothing is decoded or executed
  bool validate_only = false;   // decode and validate modules; commands that execute are skipped
  bool strict_messages = false; // a failure with a message other than the expected one fails
  bool verbose = false;         // print every failure and message difference
};

constexpr size_t kCommandKinds = text::WastCommand::kKinds;

struct WastCounts {
  std::array<uint64_t, kCommandKinds> passed{}, failed{}, skipped{};
  uint64_t other_message = 0;  // passed, but the error message differs from the expected text
  uint64_t failed_files = 0;   // scripts that could not be read or parsed
  // Why commands were skipped.
  uint64_t skipped_component = 0;    // components: decoding and running them comes later
  uint64_t skipped_execution = 0;    // needs the JIT
  uint64_t skipped_undecided = 0;    // --parse-only: a malformed text module that encodes

  uint64_t total(const std::array<uint64_t, kCommandKinds>& a) const;
  void add(const WastCounts& other);
};

class WastRunner {
 public:
  explicit WastRunner(WastOptions options, std::FILE* log) : options_(options), log_(log) {}

  // Runs one script; failures are printed to the log as they happen.
  WastCounts run(const text::WastScript& script);

 private:
  enum class Outcome { Pass, Fail, Skip };

  Outcome parsed(const text::WastCommand& c, const std::string& file);
  Outcome module(const text::WastCommand& c, const std::string& file);
  Outcome expect_failure(const text::WastCommand& c, const std::string& file, bool malformed);
  Outcome needs_execution(const text::WastCommand& c, const std::string& file);
  Outcome text_failure(const text::WastCommand& c, const std::string& file);
  void report(const std::string& file, const text::WastCommand& c, const std::string& what);

  WastOptions options_;
  std::FILE* log_;
  WastCounts* counts_ = nullptr;
};

void print_summary(std::FILE* out, const WastCounts& counts);

}  // namespace wasmrun::cli
