#include "cli/wast/wast_runner.h"

#include <fmt/format.h>

#include "cli/wast/component_runner.h"
#include "cli/wast/wast_values.h"
#include "cli/wast/wording_differences.h"
#include "runtime/decode/module_decoder.h"
#include "runtime/vm/invoke.h"

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
    parsed[i] += o.parsed[i];
  }
  documented_wording += o.documented_wording;
  failed_files += o.failed_files;
  for (const auto& [reason, n] : o.skip_reasons) skip_reasons[reason] += n;
  skipped_execution += o.skipped_execution;
  skipped_undecided += o.skipped_undecided;
}

void WastRunner::report(const WastCommand& c, const std::string& what) {
  fmt::print(log_, "  {}:{}: {}: {}\n", script_->file, c.line, to_string(c.kind), what);
}

bool WastRunner::check_message(const WastCommand& c, const std::string& actual) {
  if (actual.find(c.text) != std::string::npos) return true;
  if (find_wording_difference(c.text, actual)) {
    ++counts_->documented_wording;
    if (options_.verbose || options_.strict_messages)
      report(c, fmt::format("expected \"{}\", got \"{}\" (a documented wording difference)", c.text, actual));
    return !options_.strict_messages;
  }
  report(c, fmt::format("expected \"{}\", got \"{}\"", c.text, actual));
  return false;
}

bool WastRunner::check_trap_message(const WastCommand& c, const vm::Trap& trap) {
  std::string_view first_line = std::string_view(trap.message).substr(0, trap.message.find('\n'));
  if (first_line.find(c.text) != std::string_view::npos) return true;
  report(c, fmt::format("expected the trap \"{}\", got \"{}\"", c.text, first_line));
  return false;
}

WastRunner::Outcome WastRunner::wrong_kind(const WastCommand& c, const std::string& what) {
  report(c, fmt::format("expected \"{}\", but {}", c.text, what));
  return Outcome::Fail;
}

std::variant<vm::Instance*, WastRunner::InstantiationFailure> WastRunner::instantiate(const WastCommand& c) {
  using Failure = InstantiationFailure;
  if (!options_.multi_memory) {
    if (auto m = wasm::decode_module(c.binary, decode_options()); !m) return Failure{Failure::Kind::Load, m.error().message};
  }
  auto compiled = vm::compile_module(*engine_, c.binary);
  if (!compiled) return Failure{Failure::Kind::Load, compiled.error().message};
  const wasm::Module& m = (*compiled)->module;
  std::vector<vm::Extern> imports;
  for (const wasm::Import& im : m.imports) {
    auto ns = registered_.find(im.module);
    if (ns == registered_.end())
      return Failure{Failure::Kind::Link, fmt::format("unknown import: no module \"{}\"", im.module)};
    auto e = ns->second.find(im.name);
    if (e == ns->second.end())
      return Failure{Failure::Kind::Link, fmt::format("unknown import: \"{}\" \"{}\"", im.module, im.name)};
    if (auto ok = vm::check_import(m, im, e->second); !ok) return Failure{Failure::Kind::Link, ok.error().message};
    imports.push_back(e->second);
  }
  // Imports are checked: what fails now is a trap in a segment or the start function.
  auto inst = vm::instantiate(*store_, *compiled, imports);
  if (!inst) return Failure{Failure::Kind::Trap, inst.error().message};
  return *inst;
}

// A module whose text did not parse or encode: only assert_malformed expects that. Our text
// parser words its errors itself (line:column and what it expected); the kind is what counts.
WastRunner::Outcome WastRunner::text_failure(const WastCommand& c) {
  if (c.kind == Kind::AssertMalformed) return Outcome::Pass;
  report(c, "module failed to parse: " + c.text_error);
  return Outcome::Fail;
}

// --parse-only: every form parsed and encoded, nothing decoded or run. Only a text module that
// must be malformed and fails to parse is a complete check.
WastRunner::Outcome WastRunner::parsed(const WastCommand& c) {
  if (!c.text_error.empty()) return text_failure(c);
  if (c.kind == Kind::AssertMalformed && c.text_module) {
    ++counts_->skipped_undecided;
    return Outcome::Skip;
  }
  return Outcome::Parsed;
}

WastRunner::Outcome WastRunner::module(const WastCommand& c) {
  if (c.definition) {
    // Validated now, instantiated by `module instance`.
    definitions_[c.name.value_or("")] = &c;
    last_definition_ = &c;
    auto m = wasm::decode_module(c.binary, decode_options());
    if (!m) {
      report(c, "module failed to load: " + m.error().message);
      return Outcome::Fail;
    }
    return Outcome::Pass;
  }
  if (options_.validate_only) {
    auto m = wasm::decode_module(c.binary, decode_options());
    if (!m) {
      report(c, "module failed to load: " + m.error().message);
      return Outcome::Fail;
    }
    return Outcome::Pass;
  }
  return instantiate_current(c, c);
}

// Instantiates `module` as the current instance, named by command `c`.
WastRunner::Outcome WastRunner::instantiate_current(const WastCommand& c, const WastCommand& module) {
  auto inst = instantiate(module);
  if (auto* failure = std::get_if<InstantiationFailure>(&inst)) {
    report(c, "module failed to instantiate: " + failure->message);
    current_ = nullptr;
    return Outcome::Fail;
  }
  current_ = std::get<vm::Instance*>(inst);
  if (c.name) named_[*c.name] = current_;
  return Outcome::Pass;
}

WastRunner::Outcome WastRunner::module_instance(const WastCommand& c) {
  const WastCommand* definition = last_definition_;
  if (c.instance_of) {
    auto it = definitions_.find(*c.instance_of);
    definition = it == definitions_.end() ? nullptr : it->second;
  }
  if (!definition) {
    report(c, "no module definition to instantiate");
    return Outcome::Fail;
  }
  return instantiate_current(c, *definition);
}

WastRunner::Outcome WastRunner::expect_invalid(const WastCommand& c, bool malformed) {
  wasm::DecodeFailure f = wasm::decode_failure(c.binary, decode_options());
  if (f.error.message.empty()) {
    report(c, fmt::format("expected \"{}\", but the module is valid", c.text));
    return Outcome::Fail;
  }
  if (f.malformed != malformed)
    return wrong_kind(c, fmt::format("the module is {}: {}", f.malformed ? "malformed" : "invalid", f.error.message));
  return check_message(c, f.error.message) ? Outcome::Pass : Outcome::Fail;
}

WastRunner::Outcome WastRunner::skip_execution(const WastCommand& c) {
  // Modules that must fail to link or instantiate are still valid: check that much.
  if (c.kind == Kind::AssertUnlinkable || c.kind == Kind::AssertUninstantiable) {
    auto m = wasm::decode_module(c.binary, decode_options());
    if (!m) {
      report(c, "module failed to load: " + m.error().message);
      return Outcome::Fail;
    }
  }
  ++counts_->skipped_execution;
  return Outcome::Skip;
}

WastRunner::Outcome WastRunner::expect_link_failure(const WastCommand& c, bool trap) {
  using Failure = InstantiationFailure;
  auto inst = instantiate(c);
  auto* failure = std::get_if<Failure>(&inst);
  if (!failure) return wrong_kind(c, "the module instantiated");
  Failure::Kind want = trap ? Failure::Kind::Trap : Failure::Kind::Link;
  if (failure->kind != want) {
    const char* got = failure->kind == Failure::Kind::Load ? "failed to load" :
                      failure->kind == Failure::Kind::Link ? "failed to link" : "trapped while instantiating";
    return wrong_kind(c, fmt::format("the module {}: {}", got, failure->message));
  }
  if (trap) {
    vm::Trap t{vm::TrapCode::Unreachable, failure->message, {}, 0};
    return check_trap_message(c, t) ? Outcome::Pass : Outcome::Fail;
  }
  return check_message(c, failure->message) ? Outcome::Pass : Outcome::Fail;
}

vm::Instance* WastRunner::instance_named(const std::optional<std::string>& name) const {
  if (!name) return current_;
  auto it = named_.find(*name);
  return it == named_.end() ? nullptr : it->second;
}

Expected<WastRunner::ActionResult> WastRunner::run_action(const text::WastAction& action) {
  vm::Instance* inst = instance_named(action.module);
  if (!inst) return Error{action.module ? fmt::format("no module named {}", *action.module) : "no module to act on"};
  auto e = inst->find_export(action.field);
  if (!e) return Error{fmt::format("no export \"{}\"", action.field)};
  ActionResult result;
  if (action.kind == text::WastAction::Kind::Get) {
    auto* g = std::get_if<vm::GlobalInstance*>(&*e);
    if (!g) return Error{fmt::format("export \"{}\" is not a global", action.field)};
    result.types.push_back((*g)->type.type);
    vm::VMValue v;
    std::memcpy(v.bytes, (*g)->cell, 16);
    result.values.push_back(v);
    return result;
  }
  auto* f = std::get_if<vm::FuncInstance*>(&*e);
  if (!f) return Error{fmt::format("export \"{}\" is not a function", action.field)};
  const wasm::FuncType& type = *(*f)->type;
  if (type.params.size() != action.args.size())
    return Error{fmt::format("\"{}\" takes {} arguments, the script passes {}", action.field, type.params.size(),
                             action.args.size())};
  for (size_t i = 0; i < action.args.size(); ++i)
    if (!has_type(action.args[i], type.params[i]))
      return Error{fmt::format("\"{}\" takes {} as argument {}, the script passes {}", action.field,
                               wasm::to_string(type.params[i]), i, describe(action.args[i]))};
  std::vector<vm::VMValue> values(std::max(type.params.size(), type.results.size()) + 1);
  for (size_t i = 0; i < action.args.size(); ++i) values[i] = to_vm_value(action.args[i]);
  if (auto trap = vm::invoke_catching(*store_, *f, values)) {
    result.trap = std::move(*trap);
    return result;
  }
  result.types = type.results;
  result.values.assign(values.begin(), values.begin() + type.results.size());
  return result;
}

WastRunner::Outcome WastRunner::perform(const WastCommand& c) {
  auto result = run_action(c.action);
  if (!result) {
    report(c, result.error().message);
    return Outcome::Fail;
  }
  switch (c.kind) {
    case Kind::Action:
      if (result->trap) {
        report(c, "trapped: " + result->trap->message);
        return Outcome::Fail;
      }
      return Outcome::Pass;
    case Kind::AssertReturn: {
      if (result->trap) {
        report(c, "trapped: " + result->trap->message);
        return Outcome::Fail;
      }
      bool ok = result->values.size() == c.expected.size();
      for (size_t i = 0; ok && i < c.expected.size(); ++i) ok = matches(c.expected[i], result->types[i], result->values[i]);
      if (!ok) {
        std::string want, got;
        for (const auto& e : c.expected) want += " " + describe(e);
        for (size_t i = 0; i < result->values.size(); ++i) got += " " + describe(result->types[i], result->values[i]);
        report(c, fmt::format("{}: expected [{} ], got [{} ]", c.action.field, want, got));
        return Outcome::Fail;
      }
      return Outcome::Pass;
    }
    default: {  // AssertTrap, AssertExhaustion
      if (!result->trap) return wrong_kind(c, c.action.field + " returned");
      bool exhausted = result->trap->code == vm::TrapCode::StackOverflow;
      if (exhausted != (c.kind == Kind::AssertExhaustion))
        return wrong_kind(c, fmt::format("{} {}: {}", c.action.field,
                                         exhausted ? "exhausted the stack" : "trapped", result->trap->message));
      return check_trap_message(c, *result->trap) ? Outcome::Pass : Outcome::Fail;
    }
  }
}

WastRunner::Outcome WastRunner::register_module(const WastCommand& c) {
  vm::Instance* inst = instance_named(c.name);
  if (!inst) {
    report(c, "no module to register");
    return Outcome::Fail;
  }
  auto exports = inst->exports();
  registered_[c.register_as] = ExportMap(exports.begin(), exports.end());
  return Outcome::Pass;
}

// Drops every module, instance and name of the previous script.
void WastRunner::reset_script_state() {
  current_ = nullptr;
  named_.clear();
  registered_.clear();
  definitions_.clear();
  last_definition_ = nullptr;
  components_.reset();
  store_.reset();
}

WastCounts WastRunner::run(const text::WastScript& script) {
  WastCounts counts;
  counts_ = &counts;
  script_ = &script;
  reset_script_state();
  if (engine_) {
    store_ = std::make_unique<vm::Store>(*engine_);
    auto spectest = create_spectest(*store_);
    if (spectest) registered_["spectest"] = spectest.take();
    else fmt::print(log_, "  cannot create the spectest module: {}\n", spectest.error().message);
  }
  for (const WastCommand& c : script.commands) {
    Outcome outcome = Outcome::Skip;
    bool execute = !options_.validate_only;
    if (options_.parse_only) {
      outcome = parsed(c);
    } else if (!c.text_error.empty()) {
      outcome = text_failure(c);
    } else if (c.component) {
      outcome = component_command(c);
    } else {
      switch (c.kind) {
        case Kind::Module: outcome = module(c); break;
        case Kind::AssertInvalid: outcome = expect_invalid(c, false); break;
        case Kind::AssertMalformed: outcome = expect_invalid(c, true); break;
        case Kind::AssertUnlinkable: outcome = execute ? expect_link_failure(c, false) : skip_execution(c); break;
        case Kind::AssertUninstantiable: outcome = execute ? expect_link_failure(c, true) : skip_execution(c); break;
        case Kind::Register: outcome = execute ? register_module(c) : skip_execution(c); break;
        case Kind::ModuleInstance: outcome = execute ? module_instance(c) : skip_execution(c); break;
        case Kind::AssertException: outcome = skip_execution(c); break;  // no exceptions in the runtime yet
        default: outcome = execute ? perform(c) : skip_execution(c); break;
      }
    }
    size_t k = size_t(c.kind);
    switch (outcome) {
      case Outcome::Pass: ++counts.passed[k]; break;
      case Outcome::Fail: ++counts.failed[k]; break;
      case Outcome::Skip: ++counts.skipped[k]; break;
      case Outcome::Parsed: ++counts.parsed[k]; break;
    }
  }
  reset_script_state();
  counts_ = nullptr;
  return counts;
}

void print_summary(std::FILE* out, const WastCounts& c) {
  bool parse_only = c.total(c.parsed) > 0;
  fmt::print(out, "\n{:<22} {:>8} {:>8} {:>8}\n", "command", parse_only ? "parsed" : "passed", "failed", "skipped");
  for (size_t k = 0; k < kCommandKinds; ++k) {
    if (c.passed[k] + c.failed[k] + c.skipped[k] + c.parsed[k] == 0) continue;
    fmt::print(out, "{:<22} {:>8} {:>8} {:>8}\n", to_string(Kind(k)), c.passed[k] + c.parsed[k], c.failed[k],
               c.skipped[k]);
  }
  if (c.documented_wording)
    fmt::print(out, "{} expected failures failed with a documented wording difference (--strict-messages lists them)\n",
               c.documented_wording);
  if (c.skipped_execution)
    fmt::print(out, "{} skipped: they run code, which these options or the runtime leave out\n", c.skipped_execution);
  for (const auto& [reason, n] : c.skip_reasons) fmt::print(out, "{} skipped: {}\n", n, reason);
  if (c.skipped_undecided)
    fmt::print(out, "{} skipped: text assert_malformed modules that encode; only decoding can reject them "
               "(run without --parse-only)\n", c.skipped_undecided);
  if (c.failed_files) fmt::print(out, "{} file(s) could not be read or parsed\n", c.failed_files);
  // Parsed commands were not tested: a run that only parsed says so instead of "passed".
  if (parse_only) {
    fmt::print(out, "{} parsed, {} failed, {} skipped\n", c.total(c.parsed) + c.total(c.passed),
               c.total(c.failed) + c.failed_files, c.total(c.skipped));
    return;
  }
  fmt::print(out, "{} passed, {} failed, {} skipped\n", c.total(c.passed), c.total(c.failed) + c.failed_files,
             c.total(c.skipped));
}

}  // namespace wasmrun::cli
