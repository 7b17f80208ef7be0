#include "cli/wast/component_runner.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>

#include "cli/wast/component_host.h"
#include "cli/wast/wast_runner.h"
#include "runtime/decode/component_decoder.h"

namespace wasmrun::cli {

using component::Val;
using text::ComponentValue;
using text::WastCommand;
using Kind = WastCommand::Kind;

WastRunner::WastRunner(WastOptions options, std::FILE* log, vm::Engine* engine)
    : options_(options), log_(log), engine_(engine) {}
WastRunner::~WastRunner() = default;

namespace {

// The `;;! name = value` lines at the top of a script (Wasmtime's test configuration, which its
// harness reads from the file's text as we do): the component features they switch.
component::ComponentDecodeOptions script_features(const std::string& file) {
  component::ComponentDecodeOptions features;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line) && line.rfind(";;!", 0) == 0) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto trim = [](std::string t) {
      t.erase(0, t.find_first_not_of(" \t"));
      t.erase(t.find_last_not_of(" \t\r") + 1);
      return t;
    };
    std::string name = trim(line.substr(3, eq - 3)), value = trim(line.substr(eq + 1));
    if (value != "true" && value != "false") continue;
    if (name == "component_model_implements") features.implements = value == "true";
    if (name == "component_model_fixed_length_lists") features.fixed_length_lists = value == "true";
    if (name == "component_model_error_context") features.error_context = value == "true";
    if (name == "component_model_map") features.map = value == "true";
    if (name == "component_model_async") features.async = value == "true";
    if (name == "component_model_threading") features.threading = value == "true";
  }
  return features;
}

Val to_val(const ComponentValue& v) {
  using K = ComponentValue::Kind;
  auto items = [&] {
    std::vector<Val> out;
    for (const auto& i : v.items) out.push_back(to_val(i));
    return out;
  };
  auto payload = [&]() -> std::optional<Val> {
    if (v.items.empty()) return std::nullopt;
    return to_val(v.items[0]);
  };
  switch (v.kind) {
    case K::Bool: return Val::boolean(v.bits != 0);
    case K::S8: return Val::s8(int8_t(v.bits));
    case K::U8: return Val::u8(uint8_t(v.bits));
    case K::S16: return Val::s16(int16_t(v.bits));
    case K::U16: return Val::u16(uint16_t(v.bits));
    case K::S32: return Val::s32(int32_t(v.bits));
    case K::U32: return Val::u32(uint32_t(v.bits));
    case K::S64: return Val::s64(int64_t(v.bits));
    case K::U64: return Val::u64(v.bits);
    case K::F32: {
      float f;
      uint32_t b = uint32_t(v.bits);
      std::memcpy(&f, &b, 4);
      return Val::f32(f);
    }
    case K::F64: {
      double d;
      std::memcpy(&d, &v.bits, 8);
      return Val::f64(d);
    }
    case K::Char: return Val::character(char32_t(v.bits));
    case K::String: return Val::string(v.text);
    case K::List: return Val::list(items());
    case K::Tuple: return Val::tuple(items());
    case K::Record: {
      std::vector<std::pair<std::string, Val>> fields;
      for (size_t i = 0; i < v.items.size(); ++i) fields.push_back({v.labels[i], to_val(v.items[i])});
      return Val::record(std::move(fields));
    }
    case K::Variant: return Val::variant(v.text, payload());
    case K::Enum: return Val::enumeration(v.text);
    case K::Option: return Val::option(v.present ? payload() : std::nullopt);
    case K::Result: return v.present ? Val::ok(payload()) : Val::err(payload());
    case K::Flags: return Val::flags(v.labels);
  }
  return Val();
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

vm::ComponentItem instance_item(const std::shared_ptr<vm::ComponentInstance>& inst) {
  vm::ComponentItem item;
  item.type.sort = component::Sort::Instance;
  auto t = std::make_shared<component::InstanceType>();
  for (const auto& [name, e] : inst->exports) t->exports.push_back({name, e.type});
  item.type.instance = t;
  item.instance = inst;
  return item;
}

}  // namespace

WastRunner::Outcome WastRunner::skip(const std::string& reason) {
  // Reasons are counted together, so the location at their end is left out.
  ++counts_->skip_reasons[reason.substr(0, reason.rfind(" (at 0x"))];
  return Outcome::Skip;
}

WastRunner::Outcome WastRunner::component_command(const WastCommand& c) {
  if (!components_) {
    components_ = std::make_unique<ComponentScripts>();
    components_->features = script_features(script_->file);
  }
  ComponentScripts& s = *components_;
  bool execute = !options_.validate_only && store_;
  // Commands that run code, under --validate-only (skip_execution decodes core modules).
  auto not_executed = [&] {
    ++counts_->skipped_execution;
    return Outcome::Skip;
  };
  // Decoded and validated, then held to the embedding's restrictions on root components.
  auto decode = [&](const WastCommand& m) {
    auto d = component::decode_component(m.binary, s.features);
    if (d.component) {
      if (auto r = vm::check_root_imports(*d.component); !r) return component::ComponentDecodeResult{nullptr, r.error()};
    }
    return d;
  };
  auto linker = [&]() -> vm::ComponentLinker& {
    if (!s.linker) {
      s.linker = std::make_unique<vm::ComponentLinker>(*store_);
      define_component_host(*s.linker);
    }
    return *s.linker;
  };
  auto instantiate = [&](std::shared_ptr<const component::Component> comp, const WastCommand& cmd) -> Outcome {
    auto r = linker().instantiate(std::move(comp));
    if (auto* err = std::get_if<vm::ComponentInstantiationError>(&r)) {
      if (cmd.name) s.named.erase(*cmd.name);
      if (err->kind == vm::ComponentInstantiationError::Kind::Unsupported) {
        s.current = nullptr;
        return skip(err->message);
      }
      report(cmd, "component failed to instantiate: " + err->message);
      s.current = nullptr;
      return Outcome::Fail;
    }
    s.current = std::get<std::shared_ptr<vm::ComponentInstance>>(r);
    if (cmd.name) {
      s.named[*cmd.name] = s.current;
      // Wasmtime's runner makes a named instance available to later components under its name.
      linker().define(cmd.name->substr(cmd.name->starts_with("$") ? 1 : 0), instance_item(s.current));
    }
    return Outcome::Pass;
  };

  switch (c.kind) {
    case Kind::Module: {
      auto d = decode(c);
      if (!d.component) {
        if (!c.definition) s.current = nullptr;
        else s.last_definition = nullptr;
        if (d.unsupported) return skip(first_line(d.error.message));
        report(c, "component failed to load: " + d.error.message);
        return Outcome::Fail;
      }
      if (c.definition || !execute) {
        if (c.definition) {
          s.definitions[c.name.value_or("")] = d.component;
          s.last_definition = d.component;
        }
        return Outcome::Pass;
      }
      return instantiate(d.component, c);
    }
    case Kind::ModuleInstance: {
      if (!execute) return not_executed();
      std::shared_ptr<const component::Component> def = s.last_definition;
      if (c.instance_of) {
        auto it = s.definitions.find(*c.instance_of);
        def = it == s.definitions.end() ? nullptr : it->second;
      }
      if (!def) return skip("the component definition it instantiates was skipped");
      return instantiate(def, c);
    }
    case Kind::AssertInvalid:
    case Kind::AssertMalformed: {
      auto d = decode(c);
      if (d.component) {
        report(c, fmt::format("expected \"{}\", but the component is valid", c.text));
        return Outcome::Fail;
      }
      if (d.unsupported) return skip(first_line(d.error.message));
      return check_message(c, d.error.message) ? Outcome::Pass : Outcome::Fail;
    }
    case Kind::AssertUnlinkable:
    case Kind::AssertUninstantiable: {
      auto d = decode(c);
      if (!d.component) {
        if (d.unsupported) return skip(first_line(d.error.message));
        report(c, "component failed to load: " + d.error.message);
        return Outcome::Fail;
      }
      if (!execute) return not_executed();
      auto r = linker().instantiate(d.component);
      auto* err = std::get_if<vm::ComponentInstantiationError>(&r);
      if (!err) return wrong_kind(c, "the component instantiated");
      if (err->kind == vm::ComponentInstantiationError::Kind::Unsupported) return skip(err->message);
      bool want_link = c.kind == Kind::AssertUnlinkable;
      if (want_link != (err->kind == vm::ComponentInstantiationError::Kind::Link))
        return wrong_kind(c, "it failed otherwise: " + err->message);
      return check_message(c, err->message) ? Outcome::Pass : Outcome::Fail;
    }
    case Kind::Register: {
      if (!execute) return not_executed();
      auto inst = s.current;
      if (c.name) {
        auto it = s.named.find(*c.name);
        if (it == s.named.end()) return skip("the component instance it registers was skipped");
        inst = it->second;
      }
      if (!inst) return skip("the component instance it registers was skipped");
      linker().define(c.register_as, instance_item(inst));
      return Outcome::Pass;
    }
    case Kind::AssertException: return skip("exceptions are not part of the synchronous component model");
    default: break;
  }
  // Actions and assertions on them.
  if (!execute) return not_executed();
  auto inst = s.current;
  if (c.action.module) {
    auto it = s.named.find(*c.action.module);
    inst = it == s.named.end() ? nullptr : it->second;
  }
  if (!inst) return skip("the component instance it acts on was skipped or failed");
  const vm::ComponentItem* e = inst->find(c.action.field);
  if (!e || !e->func) {
    report(c, fmt::format("no exported function \"{}\"", c.action.field));
    return Outcome::Fail;
  }
  std::vector<Val> args;
  for (const auto& a : c.action.args) {
    if (a.kind != text::WastValue::Kind::Component || !a.component) {
      report(c, "a core value passed to a component function");
      return Outcome::Fail;
    }
    args.push_back(to_val(*a.component));
  }
  auto result = linker().call(*e->func, args);
  // A call that reached the async runtime we lack is not a verdict on the assertion.
  if (!result && result.trap().code == TrapCode::AsyncUnsupported) return skip(first_line(result.trap().message));
  switch (c.kind) {
    case Kind::Action:
      if (!result) {
        report(c, "trapped: " + vm::wasmtime_message(result.trap()));
        return Outcome::Fail;
      }
      return Outcome::Pass;
    case Kind::AssertReturn: {
      if (!result) {
        report(c, "trapped: " + vm::wasmtime_message(result.trap()));
        return Outcome::Fail;
      }
      std::optional<Val> want;
      if (!c.expected.empty()) {
        if (!c.expected[0].component) return skip("a core value expected from a component function");
        want = to_val(*c.expected[0].component);
      }
      if (c.expected.size() > 1 || want != *result) {
        report(c, fmt::format("{}: expected {}, got {}", c.action.field, want ? want->to_string() : "nothing",
                              *result ? (*result)->to_string() : "nothing"));
        return Outcome::Fail;
      }
      return Outcome::Pass;
    }
    case Kind::AssertTrap: {
      if (result) {
        report(c, fmt::format("{}: expected a trap \"{}\", but it returned", c.action.field, c.text));
        return Outcome::Fail;
      }
      std::string line = first_line(vm::wasmtime_message(result.trap()));
      if (line.find(c.text) != std::string::npos) return Outcome::Pass;
      report(c, fmt::format("expected the trap \"{}\", got \"{}\"", c.text, line));
      return Outcome::Fail;
    }
    default:
      return skip(fmt::format("{} on components", to_string(c.kind)));
  }
}

}  // namespace wasmrun::cli
