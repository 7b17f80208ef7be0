#include "text/wast_parser.h"

#include <fmt/format.h>

#include <unordered_map>

#include "text/component_parser.h"
#include "text/lexer.h"
#include "text/token_cursor.h"
#include "text/wast_values.h"
#include "text/wat_module_parser.h"

namespace wasmrun::text {
namespace {

using Kind = WastCommand::Kind;

class WastParser {
 public:
  WastParser(TokenCursor& c, const std::string& file) : c_(c), values_(c) { script_.file = file; }

  WastScript run() {
    if (at_module_field()) {
      // A script may be one module written as bare fields (the interpreter's inline_module1).
      WastCommand cmd;
      cmd.line = c_.peek().line;
      cmd.binary = ModuleParser(c_).parse();
      if (!c_.at(TokenKind::End)) c_.expected("a module field");
      script_.commands.push_back(std::move(cmd));
    }
    while (!c_.at(TokenKind::End)) command();
    return std::move(script_);
  }

 private:
  void command();
  void module_command(WastCommand& cmd, bool top_level);
  void parse_quoted(WastCommand& cmd, const std::string& source, const Token& at);
  void action(WastCommand& cmd);
  void expect_action(WastCommand& cmd);
  bool is_component(const std::optional<std::string>& name) const;
  bool at_module_field() const;

  TokenCursor& c_;
  WastValueParser values_;
  WastScript script_;
  std::unordered_map<std::string, bool> components_;  // script names: is it a component?
  bool current_component_ = false;
  bool last_definition_component_ = false;
};

void WastParser::command() {
  const Token& open = c_.peek();
  std::string_view k = c_.form_keyword();
  WastCommand cmd;
  cmd.line = open.line;
  if (k == "module" || k == "component") {
    module_command(cmd, true);
    if (cmd.kind == Kind::ModuleInstance) {
      bool component = cmd.instance_of ? is_component(cmd.instance_of) : last_definition_component_;
      cmd.component = component;
      current_component_ = component;
      if (cmd.name) components_[*cmd.name] = component;
    } else if (cmd.definition) {
      last_definition_component_ = cmd.component;
      if (cmd.name) components_[*cmd.name] = cmd.component;
    } else {
      current_component_ = cmd.component;
      if (cmd.name) components_[*cmd.name] = cmd.component;
    }
  } else if (k == "register") {
    c_.next(), c_.next();
    cmd.kind = Kind::Register;
    cmd.register_as = c_.string();
    if (c_.at_id()) cmd.name = c_.id();
    c_.expect_rparen();
  } else if (k == "invoke" || k == "get") {
    cmd.kind = Kind::Action;
    action(cmd);
  } else if (k == "assert_return") {
    c_.next(), c_.next();
    cmd.kind = Kind::AssertReturn;
    expect_action(cmd);
    while (values_.at_value()) cmd.expected.push_back(values_.value(cmd.component, true));
    c_.expect_rparen();
  } else if (k == "assert_trap" || k == "assert_exhaustion" || k == "assert_exception") {
    c_.next(), c_.next();
    cmd.kind = k == "assert_trap" ? Kind::AssertTrap : k == "assert_exhaustion" ? Kind::AssertExhaustion
                                                                                 : Kind::AssertException;
    if (cmd.kind == Kind::AssertTrap && (c_.at_form("module") || c_.at_form("component"))) {
      // A module whose instantiation traps (its start function).
      module_command(cmd, false);
      cmd.kind = Kind::AssertUninstantiable;
    } else {
      expect_action(cmd);
    }
    if (cmd.kind != Kind::AssertException) cmd.text = c_.string();
    c_.expect_rparen();
  } else if (k == "assert_malformed" || k == "assert_invalid" || k == "assert_unlinkable" ||
             k == "assert_uninstantiable") {
    c_.next(), c_.next();
    cmd.kind = k == "assert_malformed" ? Kind::AssertMalformed
               : k == "assert_invalid" ? Kind::AssertInvalid
               : k == "assert_unlinkable" ? Kind::AssertUnlinkable
                                          : Kind::AssertUninstantiable;
    if (!c_.at_form("module") && !c_.at_form("component")) c_.expected("a module or component");
    module_command(cmd, false);
    cmd.text = c_.string();
    c_.expect_rparen();
  } else {
    c_.expected("a command");
  }
  script_.commands.push_back(std::move(cmd));
}

// (module|component $id? fields...), (... binary "..."*), (... quote "..."*),
// (... definition $id? ...), and at top level (... instance $id? $definition?).
void WastParser::module_command(WastCommand& cmd, bool top_level) {
  size_t start = c_.position();
  const Token& open = c_.next();
  cmd.component = c_.next().text == "component";
  if (top_level && c_.take_keyword("instance")) {
    cmd.kind = Kind::ModuleInstance;
    cmd.name = take_id(c_);
    cmd.instance_of = take_id(c_);
    c_.expect_rparen();
    return;
  }
  cmd.definition = c_.take_keyword("definition");
  cmd.name = take_id(c_);
  if (c_.take_keyword("binary")) {
    std::string bytes;
    while (c_.at_string()) bytes += c_.string();
    cmd.binary.assign(bytes.begin(), bytes.end());
    cmd.binary_module = true;
  } else if (c_.take_keyword("quote")) {
    std::string source;
    while (c_.at_string()) source += c_.string();
    cmd.text_module = true;
    parse_quoted(cmd, source, open);
  } else {
    try {
      cmd.binary = cmd.component ? ComponentParser(c_, cmd.name).parse() : ModuleParser(c_).parse();
    } catch (const ParseError& e) {
      // Record the failure and go on after the module.
      cmd.text_error = e.message;
      c_.seek(start);
      c_.skip_form();
      return;
    }
  }
  c_.expect_rparen();
}

void WastParser::parse_quoted(WastCommand& cmd, const std::string& source, const Token& at) {
  std::string label = fmt::format("{}:{}:{}: quoted text", c_.file(), at.line, at.column);
  auto tokens = tokenize(source, label);
  if (!tokens) {
    cmd.text_error = tokens.error().message;
    return;
  }
  TokenCursor quoted(*tokens, label);
  try {
    // The text is a whole `(module ...)` or just its fields (the interpreter's `module1`).
    bool whole = quoted.take_form(cmd.component ? "component" : "module");
    std::optional<std::string> id = whole ? take_id(quoted) : std::nullopt;
    cmd.binary = cmd.component ? ComponentParser(quoted, id).parse() : ModuleParser(quoted).parse();
    if (whole) quoted.expect_rparen();
    if (!quoted.at(TokenKind::End)) quoted.expected("a module field");
  } catch (const ParseError& e) {
    cmd.binary.clear();
    cmd.text_error = e.message;
  }
}

void WastParser::expect_action(WastCommand& cmd) {
  if (!c_.at_form("invoke") && !c_.at_form("get")) c_.expected("an action (invoke or get)");
  action(cmd);
}

// (invoke $name? "field" value*) | (get $name? "field")
void WastParser::action(WastCommand& cmd) {
  c_.next();
  WastAction& a = cmd.action;
  a.kind = c_.next().text == "get" ? WastAction::Kind::Get : WastAction::Kind::Invoke;
  if (c_.at_id()) a.module = c_.id();
  a.field = c_.string();
  cmd.component = is_component(a.module);
  if (a.kind == WastAction::Kind::Invoke)
    while (values_.at_value()) a.args.push_back(values_.value(cmd.component, false));
  c_.expect_rparen();
}

bool WastParser::at_module_field() const {
  static constexpr std::string_view kFields[] = {"type", "rec", "import", "func", "table", "memory",
                                                 "global", "tag", "export", "start", "elem", "data"};
  std::string_view k = c_.form_keyword();
  for (std::string_view field : kFields)
    if (k == field) return true;
  return false;
}

bool WastParser::is_component(const std::optional<std::string>& name) const {
  if (!name) return current_component_;
  auto it = components_.find(*name);
  return it != components_.end() && it->second;
}

}  // namespace

Expected<WastScript> parse_wast(std::string_view source, const std::string& file_name) {
  auto tokens = tokenize(source, file_name);
  if (!tokens) return tokens.error();
  TokenCursor c(*tokens, file_name);
  try {
    return WastParser(c, file_name).run();
  } catch (const ParseError& e) {
    return Error{e.message};
  }
}

}  // namespace wasmrun::text
