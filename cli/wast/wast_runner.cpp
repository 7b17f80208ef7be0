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
  failed_files += o.failed_files;
  skipped_component += o.skipped_component;
  skipped_execution += o.skipped_execution;
  skipped_undecided += o.skipped_undecided;
}

void WastRunner::report(const std::string& file, const WastCommand& c, const std::string& what) {
  fmt::print(log_, "  {}:{}: {}: {}\n", file, c.line, to_string(c.kind), what);
}

// A module whose text did not parse or encode: only assert_malformed expects that.
WastRunner::Outcome WastRunner::text_failure(const WastCommand& c, const std::string& file) {
  if (c.kind == Kind::AssertMalformed) {
    if (c.text_error.find(c.text) == std::string::npos) {
      ++counts_->other_message;
      if (options_.verbose || options_.strict_messages)
        report(file, c, fmt::format("expected \"{}\", got \"{}\"", c.text, c.text_error));
      if (options_.strict_messages) return Outcome::Fail;
    }
    return Outcome::Pass;
  }
  report(file, c, "module failed to parse: " + c.text_error);
  return Outcome::Fail;
}

// --parse-only: every form parsed and encoded. A text module that must be malformed but encodes
// can only be judged by decoding it.
WastRunner::Outcome WastRunner::parsed(const WastCommand& c, const std::string& file) {
  if (!c.text_error.empty()) return text_failure(c, file);
  if (c.kind == Kind::AssertMalformed && c.text_module) {
    ++counts_->skipped_undecided;
    return Outcome::Skip;
  }
  return Outcome::Pass;
}

WastRunner::Outcome WastRunner::module(const WastCommand& c, const std::string& file) {
  auto m = wasm::decode_module(c.binary);
  if (!m) {
    report(file, c, "module failed to load: " + m.error().message);
    return Outcome::Fail;
  }
  return Outcome::Pass;
}

WastRunner::Outcome WastRunner::expect_failure(const WastCommand& c, const std::string& file, bool malformed) {
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
  if (c.kind == Kind::AssertUnlinkable || c.kind == Kind::AssertUninstantiable) {
    auto m = wasm::decode_module(c.binary);
    if (!m) {
      report(file, c, "module failed to load: " + m.error().message);
      return Outcome::Fail;
    }
  }
  ++counts_->skipped_execution;
  return Outcome::Skip;
}

WastCounts WastRunner::run(const text::WastScript& script) {
  WastCounts counts;
  counts_ = &counts;
  for (const WastCommand& c : script.commands) {
    Outcome outcome = Outcome::Skip;
    if (options_.parse_only) {
      outcome = parsed(c, script.file);
    } else if (!c.text_error.empty()) {
      outcome = text_failure(c, script.file);
    } else if (c.component) {
      ++counts.skipped_component;
    } else {
      switch (c.kind) {
        case Kind::Module: outcome = module(c, script.file); break;
        case Kind::AssertInvalid: outcome = expect_failure(c, script.file, false); break;
        case Kind::AssertMalformed: outcome = expect_failure(c, script.file, true); break;
        default: outcome = needs_execution(c, script.file); break;
      }
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
  if (c.skipped_execution)
    fmt::print(out, "{} skipped: they run code, which needs the JIT\n", c.skipped_execution);
  if (c.skipped_component)
    fmt::print(out, "{} skipped: component commands are decoded and run with the component-model issue\n",
               c.skipped_component);
  if (c.skipped_undecided)
    fmt::print(out, "{} skipped: text assert_malformed modules that encode; only decoding can reject them "
               "(run without --parse-only)\n", c.skipped_undecided);
  if (c.failed_files) fmt::print(out, "{} file(s) could not be read or parsed\n", c.failed_files);
  fmt::print(out, "{} passed, {} failed, {} skipped\n", c.total(c.passed), c.total(c.failed) + c.failed_files,
             c.total(c.skipped));
}

}  // namespace wasmrun::cli
