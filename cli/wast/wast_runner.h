// Runs WAST scripts against the runtime and counts results per command kind.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <variant>

#include "cli/wast/spectest.h"
#include "runtime/decode/module_decoder.h"
#include "runtime/vm/instance.h"
#include "runtime/vm/trap.h"
#include "text/wast_script.h"
#include "wasmrun/engine.h"
#include "wasmrun/module.h"

namespace wasmrun::cli {

struct WastOptions {
  bool parse_only = false;      // parse and encode every form; nothing is decoded or executed
  bool validate_only = false;   // decode and validate modules; commands that execute are skipped
  bool strict_messages = false; // documented wording differences (wording_differences.h) fail too
  bool verbose = false;         // print every failure and message difference
  // Core modules under Wasm 3.0's multi-memory rules; off (the default), Wasm 2.0's: the 2.0 spec
  // suite asserts one memory and the reserved zero bytes.
  bool multi_memory = false;
};

constexpr size_t kCommandKinds = text::WastCommand::kKinds;

// `passed` counts commands whose check was executed and held; `parsed` (--parse-only) commands
// that were only parsed and encoded, which is no test of what they assert.
struct WastCounts {
  std::array<uint64_t, kCommandKinds> passed{}, failed{}, skipped{}, parsed{};
  uint64_t documented_wording = 0;  // passed through an entry of wording_differences.h
  uint64_t failed_files = 0;   // scripts that could not be read or parsed
  // Why commands were skipped.
  std::map<std::string, uint64_t> skip_reasons;  // other skips (component commands), by reason
  uint64_t skipped_execution = 0;  // needs execution that the options or the runtime leave out
  uint64_t skipped_undecided = 0;  // --parse-only: a malformed text module that encodes

  uint64_t total(const std::array<uint64_t, kCommandKinds>& a) const;
  void add(const WastCounts& other);
};

struct ComponentScripts;

class WastRunner {
 public:
  // `engine` may be absent with options.validate_only or options.parse_only.
  WastRunner(WastOptions options, std::FILE* log, std::optional<Engine> engine);
  ~WastRunner();

  // Runs one script in a fresh store; failures are printed to the log as they happen.
  WastCounts run(const text::WastScript& script);

 private:
  wasm::DecodeOptions decode_options() const { return {.multi_memory = options_.multi_memory}; }
  void reset_script_state();
  enum class Outcome { Pass, Fail, Skip, Parsed };
  // Why instantiation failed: the runner tells a link error from a trap by the phase that failed.
  struct InstantiationFailure {
    enum class Kind { Load, Link, Trap } kind;
    std::string message;
  };

  Outcome parsed(const text::WastCommand& c);
  Outcome text_failure(const text::WastCommand& c);
  Outcome module(const text::WastCommand& c);
  Outcome module_instance(const text::WastCommand& c);
  Outcome instantiate_current(const text::WastCommand& c, const text::WastCommand& module);
  Outcome expect_invalid(const text::WastCommand& c, bool malformed);
  Outcome expect_link_failure(const text::WastCommand& c, bool trap);
  Outcome perform(const text::WastCommand& c);
  Outcome register_module(const text::WastCommand& c);
  Outcome skip_execution(const text::WastCommand& c);
  // Component commands (component_runner.cpp).
  Outcome component_command(const text::WastCommand& c);
  Outcome skip(const std::string& reason);

  // Compiles and instantiates a module command's binary against the registered modules.
  std::variant<vm::Instance*, InstantiationFailure> instantiate(const text::WastCommand& c);
  struct ActionResult {
    std::optional<vm::Trap> trap;
    std::vector<wasm::ValType> types;
    std::vector<vm::VMValue> values;
  };
  Expected<ActionResult> run_action(const text::WastAction& action);
  // The module named `name`, or the current one when there is no name; null when none.
  vm::Instance* instance_named(const std::optional<std::string>& name) const;
  // A decoding, validation or link message: the expected text, or a documented wording difference.
  bool check_message(const text::WastCommand& c, const std::string& actual);
  // A trap message: its first line must contain the expected text as the spec writes it.
  bool check_trap_message(const text::WastCommand& c, const vm::Trap& trap);
  Outcome wrong_kind(const text::WastCommand& c, const std::string& what);
  void report(const text::WastCommand& c, const std::string& what);

  WastOptions options_;
  std::FILE* log_;
  vm::Engine* engine_;  // core modules run on the runtime's engine, components on api_engine_
  std::optional<Engine> api_engine_;
  std::optional<Module> host_module_;  // the component host's core module, compiled once
  WastCounts* counts_ = nullptr;
  const text::WastScript* script_ = nullptr;

  std::unique_ptr<vm::Store> store_;
  vm::Instance* current_ = nullptr;
  std::map<std::string, vm::Instance*> named_;
  std::map<std::string, ExportMap> registered_;
  // `module definition`s, by name, and the last one, for `module instance`.
  std::map<std::string, const text::WastCommand*> definitions_;
  const text::WastCommand* last_definition_ = nullptr;
  std::unique_ptr<ComponentScripts> components_;  // component instances and definitions of the script
};

void print_summary(std::FILE* out, const WastCounts& counts);

}  // namespace wasmrun::cli
