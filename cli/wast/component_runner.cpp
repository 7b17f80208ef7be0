#include "cli/wast/component_runner.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>

#include "cli/wast/component_host.h"
#include "cli/wast/wast_runner.h"

namespace wasmrun::cli {

using component::Val;
using text::ComponentValue;
using text::WastCommand;
using Kind = WastCommand::Kind;

WastRunner::WastRunner(WastOptions options, std::FILE* log, std::optional<Engine> engine)
    : options_(options), log_(log), engine_(engine ? &engine->impl() : nullptr), api_engine_(std::move(engine)) {}
WastRunner::~WastRunner() = default;

namespace {

// The `;;! name = value` lines at the top of a script (Wasmtime's test configuration, which its
// harness reads from the file's text as we do): the component features they switch.
ComponentFeatures script_features(const std::string& file) {
  ComponentFeatures features;
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

// A failed call's message as Wasmtime words a component call's trap ("wasm trap: ..." for core
// traps), as its component tests and fused adapters expect.
std::string wasmtime_message(const Error& e) {
  if (!e.trap) return e.message;
  const Trap& t = *e.trap;
  if (t.code == TrapCode::Unreachable) return "wasm trap: wasm `unreachable` instruction executed";
  if (is_canonical_abi(t.code) || t.code == TrapCode::HostError || t.code == TrapCode::Exit) return t.message;
  return "wasm trap: " + t.message;
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
  // Decoded and validated; compiled too when the script executes (a component is compiled once
  // and instantiated by any number of commands).
  auto load = [&](const WastCommand& m) -> Expected<std::optional<Component>> {
    if (!execute) {
      if (auto v = Component::validate(m.binary, s.features); !v) return v.error();
      return std::optional<Component>();
    }
    auto compiled = Component::from_binary(*api_engine_, m.binary, s.features);
    if (!compiled) return compiled.error();
    return std::optional<Component>(compiled.take());
  };
  auto linker = [&]() -> component::Linker& {
    if (!s.linker) {
      s.store = std::make_unique<Store>(*api_engine_);
      s.linker = std::make_unique<component::Linker>(*api_engine_);
      if (auto r = define_component_host(*s.linker, *api_engine_, host_module_); !r)
        fmt::print(log_, "  {}: the host items failed to define: {}\n", script_->file, r.error().message);
    }
    return *s.linker;
  };
  auto instantiate = [&](const Component& comp, const WastCommand& cmd) -> Outcome {
    auto r = linker().instantiate(*s.store, comp);
    if (!r) {
      if (cmd.name) s.named.erase(*cmd.name);
      s.current.reset();
      if (r.error().kind == ErrorKind::Unsupported) return skip(r.error().message);
      report(cmd, "component failed to instantiate: " + r.error().message);
      return Outcome::Fail;
    }
    s.current = r.take();
    if (cmd.name) {
      s.named.insert_or_assign(*cmd.name, *s.current);
      // Wasmtime's runner makes a named instance available to later components under its name.
      if (auto d = linker().define_instance(cmd.name->substr(cmd.name->starts_with("$") ? 1 : 0), *s.current); !d) {
        report(cmd, "the instance could not be defined under its name: " + d.error().message);
        return Outcome::Fail;
      }
    }
    return Outcome::Pass;
  };

  switch (c.kind) {
    case Kind::Module: {
      auto d = load(c);
      if (!d) {
        if (!c.definition) s.current.reset();
        else s.last_definition.reset();
        if (d.error().kind == ErrorKind::Unsupported) return skip(first_line(d.error().message));
        report(c, "component failed to load: " + d.error().message);
        return Outcome::Fail;
      }
      if (!execute) return Outcome::Pass;
      if (c.definition) {
        s.definitions.insert_or_assign(c.name.value_or(""), **d);
        s.last_definition = **d;
        return Outcome::Pass;
      }
      return instantiate(**d, c);
    }
    case Kind::ModuleInstance: {
      if (!execute) return not_executed();
      const Component* def = s.last_definition ? &*s.last_definition : nullptr;
      if (c.instance_of) {
        auto it = s.definitions.find(*c.instance_of);
        def = it == s.definitions.end() ? nullptr : &it->second;
      }
      if (!def) return skip("the component definition it instantiates was skipped");
      return instantiate(*def, c);
    }
    case Kind::AssertInvalid:
    case Kind::AssertMalformed: {
      auto v = Component::validate(c.binary, s.features);
      if (v) {
        report(c, fmt::format("expected \"{}\", but the component is valid", c.text));
        return Outcome::Fail;
      }
      if (v.error().kind == ErrorKind::Unsupported) return skip(first_line(v.error().message));
      return check_message(c, v.error().message) ? Outcome::Pass : Outcome::Fail;
    }
    case Kind::AssertUnlinkable:
    case Kind::AssertUninstantiable: {
      auto d = load(c);
      if (!d) {
        if (d.error().kind == ErrorKind::Unsupported) return skip(first_line(d.error().message));
        report(c, "component failed to load: " + d.error().message);
        return Outcome::Fail;
      }
      if (!execute) return not_executed();
      auto r = linker().instantiate(*s.store, **d);
      if (r) return wrong_kind(c, "the component instantiated");
      const Error& err = r.error();
      if (err.kind == ErrorKind::Unsupported) return skip(err.message);
      bool want_link = c.kind == Kind::AssertUnlinkable;
      if (want_link != (err.kind == ErrorKind::Link)) return wrong_kind(c, "it failed otherwise: " + err.message);
      return check_message(c, err.message) ? Outcome::Pass : Outcome::Fail;
    }
    case Kind::Register: {
      if (!execute) return not_executed();
      const component::Instance* inst = s.current ? &*s.current : nullptr;
      if (c.name) {
        auto it = s.named.find(*c.name);
        if (it == s.named.end()) return skip("the component instance it registers was skipped");
        inst = &it->second;
      }
      if (!inst) return skip("the component instance it registers was skipped");
      if (auto r = linker().define_instance(c.register_as, *inst); !r) {
        report(c, "register failed: " + r.error().message);
        return Outcome::Fail;
      }
      return Outcome::Pass;
    }
    case Kind::AssertException: return skip("exceptions are not part of the synchronous component model");
    default: break;
  }
  // Actions and assertions on them.
  if (!execute) return not_executed();
  const component::Instance* inst = s.current ? &*s.current : nullptr;
  if (c.action.module) {
    auto it = s.named.find(*c.action.module);
    inst = it == s.named.end() ? nullptr : &it->second;
  }
  if (!inst) return skip("the component instance it acts on was skipped or failed");
  std::optional<component::Func> f = inst->get_func(c.action.field);
  if (!f) {
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
  auto result = f->call(args);
  switch (c.kind) {
    case Kind::Action:
      if (!result) {
        report(c, "trapped: " + wasmtime_message(result.error()));
        return Outcome::Fail;
      }
      return Outcome::Pass;
    case Kind::AssertReturn: {
      if (!result) {
        report(c, "trapped: " + wasmtime_message(result.error()));
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
      std::string line = first_line(wasmtime_message(result.error()));
      if (line.find(c.text) != std::string::npos) return Outcome::Pass;
      report(c, fmt::format("expected the trap \"{}\", got \"{}\"", c.text, line));
      return Outcome::Fail;
    }
    default:
      return skip(fmt::format("{} on components", to_string(c.kind)));
  }
}

}  // namespace wasmrun::cli
