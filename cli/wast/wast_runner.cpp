#include "cli/wast/wast_runner.h"

#include <fmt/format.h>

#include "runtime/decode/module_decoder.h"

namespace wasmrun::cli {

using text::WastCommand;
using Kind = WastCommand::Kind;

uint64_t WastCounts::total(const std::array<uint64_t, kCommandKinds>& a) const {
  uint64_t sum = 0;
  for (uint64_t n : a) sum += n;
  return sum;
}

void WastCounts::add(const WastCounts& o) {
  for (size_t i = 0; i < kCommandKinds; ++i) {
    passed[i] += o.passed[i];
    failed[i] += o.failed[i];
    skipped[i] += o.skipped[i];
  }
  other_message += o.other_message;
  skipped_files += o.skipped_files;
}

void WastRunner::report(const std::string& file, const WastCommand& c, const std::string& what) {
  fmt::print(log_, "  {}:{}: {}: {}\n", file, c.line, to_string(c.kind), what);
}

WastRunner::Outcome WastRunner::module(const WastCommand& c, const std::string& file) {
  if (c.text_module) {
    report(file, c, "skipped: a text-only module needs our text parser");
    return Outcome::Skip;
  }
  auto m = wasm::decode_module(c.binary);
  if (!m) {
    report(file, c, "module failed to load: " + m.error().message);
    return Outcome::Fail;
  }
  return Outcome::Pass;
}

WastRunner::Outcome WastRunner::expect_failure(const WastCommand& c, const std::string& file, bool malformed) {
  if (c.text_module) return Outcome::Skip;  // text-format assert_malformed: needs our text parser
  wasm::DecodeFailure f = wasm::decode_failure(c.binary);
  if (f.error.message.empty()) {
    report(file, c, fmt::format("expected \"{}\", but the module is valid", c.text));
    return Outcome::Fail;
  }
  bool right_message = f.error.message.find(c.text) != std::string::npos;
  bool right_kind = f.malformed == malformed;
  if (!right_message || !right_kind) {
    ++counts_->other_message;
    if (options_.verbose || options_.strict_messages)
      report(file, c, fmt::format("expected \"{}\", got {} \"{}\"", c.text,
                                  f.malformed ? "malformed" : "invalid", f.error.message));
    if (options_.strict_messages) return Outcome::Fail;
  }
  return Outcome::Pass;
}

WastRunner::Outcome WastRunner::needs_execution(const WastCommand& c, const std::string& file) {
  // Modules that must fail to link or instantiate are still valid: check that much.
  if ((c.kind == Kind::AssertUnlinkable || c.kind == Kind::AssertUninstantiable) && !c.text_module) {
    auto m = wasm::decode_module(c.binary);
    if (!m) {
      report(file, c, "module failed to load: " + m.error().message);
      return Outcome::Fail;
    }
  }
  return Outcome::Skip;
}

WastCounts WastRunner::run(const text::WastScript& script) {
  WastCounts counts;
  counts_ = &counts;
  for (const WastCommand& c : script.commands) {
    Outcome outcome = Outcome::Skip;
    switch (c.kind) {
      case Kind::Module: outcome = module(c, script.file); break;
      case Kind::AssertInvalid: outcome = expect_failure(c, script.file, false); break;
      case Kind::AssertMalformed: outcome = expect_failure(c, script.file, true); break;
      default: outcome = needs_execution(c, script.file); break;
    }
    size_t k = size_t(c.kind);
    switch (outcome) {
      case Outcome::Pass: ++counts.passed[k]; break;
      case Outcome::Fail: ++counts.failed[k]; break;
      case Outcome::Skip: ++counts.skipped[k]; break;
    }
  }
  counts_ = nullptr;
  return counts;
}

void print_summary(std::FILE* out, const WastCounts& c) {
  fmt::print(out, "\n{:<22} {:>8} {:>8} {:>8}\n", "command", "passed", "failed", "skipped");
  for (size_t k = 0; k < kCommandKinds; ++k) {
    if (c.passed[k] + c.failed[k] + c.skipped[k] == 0) continue;
    fmt::print(out, "{:<22} {:>8} {:>8} {:>8}\n", to_string(Kind(k)), c.passed[k], c.failed[k], c.skipped[k]);
  }
  if (c.other_message)
    fmt::print(out, "{} expected failures failed with a different message (--strict-messages to fail them)\n",
               c.other_message);
  if (c.skipped_files) fmt::print(out, "{} file(s) could not be read and were skipped\n", c.skipped_files);
  fmt::print(out, "{} passed, {} failed, {} skipped\n", c.total(c.passed), c.total(c.failed),
             c.total(c.skipped) + c.skipped_files);
}

}  // namespace wasmrun::cli
