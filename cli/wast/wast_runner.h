// Runs WAST scripts against the runtime and counts results per command kind.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "cli/wast/spectest.h"
#include "runtime/vm/instance.h"
#include "text/wast_script.h"

namespace wasmrun::cli {

struct WastOptions {
  bool validate_only = false;   // decode and validate modules; commands that execute are skipped
  bool strict_messages = false; // a failure with a message other than the expected one fails
  bool verbose = false;         // print every failure and message difference
};

constexpr size_t kCommandKinds = size_t(text::WastCommand::Kind::AssertUninstantiable) + 1;

struct WastCounts {
  std::array<uint64_t, kCommandKinds> passed{}, failed{}, skipped{};
  uint64_t other_message = 0;  // passed, but the error message differs from the expected text
  uint64_t skipped_files = 0;

  uint64_t total(const std::array<uint64_t, kCommandKinds>& a) const;
  void add(const WastCounts& other);
};

class WastRunner {
 public:
  // `engine` may be null with options.validate_only.
  WastRunner(WastOptions options, std::FILE* log, vm::Engine* engine)
      : options_(options), log_(log), engine_(engine) {}

  // Runs one script in a fresh store; failures are printed to the log as they happen.
  WastCounts run(const text::WastScript& script);

 private:
  enum class Outcome { Pass, Fail, Skip };

  Outcome module(const text::WastCommand& c);
  Outcome expect_invalid(const text::WastCommand& c, bool malformed);
  Outcome expect_link_failure(const text::WastCommand& c, bool trap);
  Outcome perform(const text::WastCommand& c);
  Outcome register_module(const text::WastCommand& c);
  Outcome skip_execution(const text::WastCommand& c);

  // Compiles and instantiates a module command's binary against the registered modules.
  Expected<vm::Instance*> instantiate(const text::WastCommand& c);
  struct ActionResult {
    std::optional<std::string> trap;
    std::vector<wasm::ValType> types;
    std::vector<vm::VMValue> values;
  };
  Expected<ActionResult> run_action(const text::WastAction& action);
  bool check_message(const text::WastCommand& c, const std::string& actual, bool right_kind);
  void report(const text::WastCommand& c, const std::string& what);

  WastOptions options_;
  std::FILE* log_;
  vm::Engine* engine_;
  WastCounts* counts_ = nullptr;
  const text::WastScript* script_ = nullptr;

  std::unique_ptr<vm::Store> store_;
  vm::Instance* current_ = nullptr;
  std::map<std::string, vm::Instance*> named_;
  std::map<std::string, ExportMap> registered_;
};

void print_summary(std::FILE* out, const WastCounts& counts);

}  // namespace wasmrun::cli
