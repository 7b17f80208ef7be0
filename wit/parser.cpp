#include "wit/parser.h"

#include <utility>

#include <fmt/format.h>

#include "wit/lexer.h"
#include "wit/try.h"

namespace wasmrun::wit {
namespace {

// Deeper type nesting is refused rather than risking the native stack on hostile input.
constexpr int max_type_depth = 100;

class Parser {
 public:
  explicit Parser(std::shared_ptr<const SourceFile> source) : source_(std::move(source)), lexer_(*source_) {}

  Expected<ast::File> parse();

 private:
  // Moves to the next token.
  Expected<void> advance();
  bool at(Tok kind) const { return tok_.kind == kind; }
  // Consumes the current token when it is `kind`.
  Expected<bool> eat(Tok kind);
  Expected<Token> expect(Tok kind);
  Error unexpected(const std::string& wanted) const;
  Error error_at(uint32_t offset, const std::string& message) const {
    return Error{source_->error_at(offset, message)};
  }

  Expected<ast::Id> id();
  Expected<Version> version_after_at();
  Expected<ast::PackageRef> package_name();
  Expected<ast::UsePath> use_path();
  Expected<ast::Gate> parse_gate();
  Expected<ast::PackageItems> package_items(bool nested);
  Expected<ast::TopLevelUse> toplevel_use();
  Expected<ast::Interface> interface(ast::Gate gate, std::string docs);
  Expected<std::vector<ast::InterfaceItem>> interface_items();
  Expected<ast::World> world(ast::Gate gate, std::string docs);
  Expected<ast::Use> use_item(ast::Gate gate);
  Expected<ast::TypeDecl> type_decl(ast::Gate gate, std::string docs);
  Expected<ast::Func> func_item(ast::Gate gate, std::string docs);
  Expected<ast::FuncType> func_type();
  Expected<std::vector<ast::Param>> params();
  Expected<ast::Type> type(int depth = 0);
  Expected<ast::Extern> extern_item(bool is_export, ast::Gate gate, std::string docs);
  Expected<ast::Include> include_item(ast::Gate gate);

  std::shared_ptr<const SourceFile> source_;
  Lexer lexer_;
  Token tok_;
};

Expected<void> Parser::advance() {
  auto next = lexer_.next();
  if (!next) return next.error();
  tok_ = next.take();
  return {};
}

Expected<bool> Parser::eat(Tok kind) {
  if (!at(kind)) return false;
  TRY_VOID(advance());
  return true;
}

Error Parser::unexpected(const std::string& wanted) const {
  return error_at(tok_.offset, fmt::format("expected {}, found {}", wanted, describe(tok_)));
}

Expected<Token> Parser::expect(Tok kind) {
  if (!at(kind)) return unexpected(describe(kind));
  Token t = tok_;
  TRY_VOID(advance());
  return t;
}

Expected<ast::Id> Parser::id() {
  if (!at(Tok::Id) && !at(Tok::ExplicitId)) return unexpected("an identifier");
  ast::Id out{std::string(tok_.text), tok_.offset};
  TRY_VOID(advance());
  return out;
}

// The current token is `@`: the version follows in the raw text.
Expected<Version> Parser::version_after_at() {
  TRY(v, lexer_.take_version());
  TRY_VOID(advance());
  return v;
}

Expected<ast::PackageRef> Parser::package_name() {
  ast::PackageRef ref;
  ref.offset = tok_.offset;
  TRY(ns, id());
  TRY_VOID(expect(Tok::Colon));
  TRY(name, id());
  if (at(Tok::Colon)) return error_at(tok_.offset, "nested namespaces (`a:b:c`) are not supported");
  ref.ns = std::move(ns.name);
  ref.name = std::move(name.name);
  if (at(Tok::At)) {
    TRY(v, version_after_at());
    ref.version = std::move(v);
  }
  return ref;
}

Expected<ast::UsePath> Parser::use_path() {
  ast::UsePath path;
  uint32_t start = tok_.offset;
  TRY(first, id());
  if (!at(Tok::Colon)) {
    path.name = std::move(first);
    return path;
  }
  TRY_VOID(advance());
  TRY(package, id());
  if (at(Tok::Colon)) return error_at(tok_.offset, "nested namespaces (`a:b:c`) are not supported");
  TRY_VOID(expect(Tok::Slash));
  TRY(name, id());
  if (at(Tok::Slash)) return error_at(tok_.offset, "nested interface paths (`a:b/c/d`) are not supported");
  ast::PackageRef ref{std::move(first.name), std::move(package.name), std::nullopt, start};
  if (at(Tok::At)) {
    TRY(v, version_after_at());
    ref.version = std::move(v);
  }
  path.package = std::move(ref);
  path.name = std::move(name);
  return path;
}

Expected<ast::Gate> Parser::parse_gate() {
  ast::Gate gate;
  gate.offset = tok_.offset;
  while (at(Tok::At)) {
    TRY_VOID(advance());
    if (!at(Tok::Id)) return unexpected("`since`, `unstable` or `deprecated`");
    std::string_view which = tok_.text;
    uint32_t which_offset = tok_.offset;
    TRY_VOID(advance());
    TRY_VOID(expect(Tok::LParen));
    auto field = [&](std::string_view name) -> Expected<void> {
      if (!at(Tok::Id) || tok_.text != name) return unexpected(fmt::format("`{}`", name));
      TRY_VOID(advance());
      if (!at(Tok::Equals)) return unexpected("`=`");
      return {};
    };
    if (which == "since" || which == "deprecated") {
      if (which == "since" ? gate.since.has_value() : gate.deprecated.has_value()) {
        return error_at(which_offset, fmt::format("duplicate `@{}`", which));
      }
      TRY_VOID(field("version"));
      TRY(v, version_after_at());
      (which == "since" ? gate.since : gate.deprecated) = std::move(v);
      // An older form of `@since` also named a feature.
      if (which == "since" && at(Tok::Comma)) {
        TRY_VOID(advance());
        TRY_VOID(field("feature"));
        TRY_VOID(advance());
        TRY_VOID(id());
      }
    } else if (which == "unstable") {
      if (gate.unstable_feature) return error_at(which_offset, "duplicate `@unstable`");
      TRY_VOID(field("feature"));
      TRY_VOID(advance());
      TRY(feature, id());
      gate.unstable_feature = std::move(feature.name);
    } else {
      return error_at(which_offset, fmt::format("unknown annotation `@{}`; expected `@since`, `@unstable` or `@deprecated`", which));
    }
    TRY_VOID(expect(Tok::RParen));
  }
  if (gate.since && gate.unstable_feature) {
    return error_at(gate.offset, "an item cannot be both `@since` and `@unstable`");
  }
  // WIT.md "Feature Gates": `@deprecated` says since when, of an item `@since` or `@unstable`.
  if (gate.deprecated && !gate.since && !gate.unstable_feature) {
    return error_at(gate.offset, "`@deprecated` needs a `@since` or `@unstable` beside it");
  }
  return gate;
}

Expected<ast::File> Parser::parse() {
  ast::File file;
  file.source = source_;
  TRY_VOID(advance());
  // `package a:b;` may only come first; `package a:b { ... }` anywhere at the top level.
  bool first = true;
  while (!at(Tok::End)) {
    if (at(Tok::Package)) {
      std::string docs = tok_.docs;
      uint32_t offset = tok_.offset;
      TRY_VOID(advance());
      TRY(name, package_name());
      if (at(Tok::Semicolon)) {
        if (!first) return error_at(offset, "`package a:b;` must come before every other item of the file");
        TRY_VOID(advance());
        file.package = std::move(name);
        file.package_docs = std::move(docs);
      } else if (at(Tok::LBrace)) {
        TRY_VOID(advance());
        TRY(items, package_items(true));
        TRY_VOID(expect(Tok::RBrace));
        file.nested.push_back(ast::NestedPackage{std::move(name), std::move(docs), std::move(items)});
      } else {
        return unexpected("`;` or `{`");
      }
      first = false;
      continue;
    }
    first = false;
    TRY(items, package_items(false));
    for (auto& u : items.uses) file.items.uses.push_back(std::move(u));
    for (auto& i : items.interfaces) file.items.interfaces.push_back(std::move(i));
    for (auto& w : items.worlds) file.items.worlds.push_back(std::move(w));
  }
  return file;
}

// Items until `}` (nested) or `package`/end of file (top level).
Expected<ast::PackageItems> Parser::package_items(bool nested) {
  ast::PackageItems items;
  for (;;) {
    if (nested ? at(Tok::RBrace) || at(Tok::End) : at(Tok::End) || at(Tok::Package)) return items;
    std::string docs = tok_.docs;
    if (at(Tok::Use)) {
      TRY(u, toplevel_use());
      items.uses.push_back(std::move(u));
      continue;
    }
    TRY(g, parse_gate());
    if (docs.empty()) docs = tok_.docs;
    if (at(Tok::Interface)) {
      TRY(i, interface(std::move(g), std::move(docs)));
      items.interfaces.push_back(std::move(i));
    } else if (at(Tok::World)) {
      TRY(w, world(std::move(g), std::move(docs)));
      items.worlds.push_back(std::move(w));
    } else {
      return unexpected(nested ? "`interface`, `world`, `use` or `}`" : "`interface`, `world`, `use` or `package`");
    }
  }
}

Expected<ast::TopLevelUse> Parser::toplevel_use() {
  ast::TopLevelUse u;
  u.offset = tok_.offset;
  TRY_VOID(expect(Tok::Use));
  TRY(path, use_path());
  u.path = std::move(path);
  if (at(Tok::As)) {
    TRY_VOID(advance());
    TRY(as, id());
    u.as = std::move(as);
  }
  TRY_VOID(expect(Tok::Semicolon));
  return u;
}

Expected<ast::Interface> Parser::interface(ast::Gate gate, std::string docs) {
  ast::Interface iface;
  iface.gate = std::move(gate);
  iface.docs = std::move(docs);
  TRY_VOID(expect(Tok::Interface));
  TRY(name, id());
  iface.name = std::move(name);
  TRY_VOID(expect(Tok::LBrace));
  TRY(items, interface_items());
  iface.items = std::move(items);
  TRY_VOID(expect(Tok::RBrace));
  return iface;
}

Expected<std::vector<ast::InterfaceItem>> Parser::interface_items() {
  std::vector<ast::InterfaceItem> items;
  while (!at(Tok::RBrace)) {
    std::string docs = tok_.docs;
    TRY(g, parse_gate());
    if (docs.empty()) docs = tok_.docs;
    switch (tok_.kind) {
      case Tok::Use: {
        TRY(u, use_item(std::move(g)));
        items.emplace_back(std::move(u));
        break;
      }
      case Tok::Type: case Tok::Record: case Tok::Variant: case Tok::Enum: case Tok::Flags:
      case Tok::Resource: {
        TRY(t, type_decl(std::move(g), std::move(docs)));
        items.emplace_back(std::move(t));
        break;
      }
      case Tok::Id: case Tok::ExplicitId: {
        TRY(f, func_item(std::move(g), std::move(docs)));
        items.emplace_back(std::move(f));
        break;
      }
      default:
        return unexpected("a type, function, `use` or `}`");
    }
  }
  return items;
}

Expected<ast::World> Parser::world(ast::Gate gate, std::string docs) {
  ast::World world;
  world.gate = std::move(gate);
  world.docs = std::move(docs);
  TRY_VOID(expect(Tok::World));
  TRY(name, id());
  world.name = std::move(name);
  TRY_VOID(expect(Tok::LBrace));
  while (!at(Tok::RBrace)) {
    std::string item_docs = tok_.docs;
    TRY(g, parse_gate());
    if (item_docs.empty()) item_docs = tok_.docs;
    switch (tok_.kind) {
      case Tok::Import: case Tok::Export: {
        bool is_export = at(Tok::Export);
        TRY(e, extern_item(is_export, std::move(g), std::move(item_docs)));
        world.items.emplace_back(std::move(e));
        break;
      }
      case Tok::Use: {
        TRY(u, use_item(std::move(g)));
        world.items.emplace_back(std::move(u));
        break;
      }
      case Tok::Include: {
        TRY(i, include_item(std::move(g)));
        world.items.emplace_back(std::move(i));
        break;
      }
      case Tok::Type: case Tok::Record: case Tok::Variant: case Tok::Enum: case Tok::Flags:
      case Tok::Resource: {
        TRY(t, type_decl(std::move(g), std::move(item_docs)));
        world.items.emplace_back(std::move(t));
        break;
      }
      default:
        return unexpected("`import`, `export`, `include`, `use`, a type or `}`");
    }
  }
  TRY_VOID(advance());
  return world;
}

Expected<ast::Extern> Parser::extern_item(bool is_export, ast::Gate gate, std::string docs) {
  ast::Extern e;
  e.is_export = is_export;
  e.gate = std::move(gate);
  e.docs = std::move(docs);
  e.offset = tok_.offset;
  TRY_VOID(advance());
  uint32_t start = tok_.offset;
  TRY(first, id());
  if (at(Tok::Colon)) {
    TRY_VOID(advance());
    if (at(Tok::Func) || at(Tok::Async)) {
      e.kind = ast::Extern::Kind::Func;
      e.name = std::move(first);
      TRY(f, func_type());
      e.func = std::move(f);
      TRY_VOID(expect(Tok::Semicolon));
      return e;
    }
    if (at(Tok::Interface)) {
      e.kind = ast::Extern::Kind::Interface;
      e.name = std::move(first);
      TRY_VOID(advance());
      TRY_VOID(expect(Tok::LBrace));
      TRY(items, interface_items());
      e.iface_items = std::move(items);
      TRY_VOID(expect(Tok::RBrace));
      return e;
    }
    // `ns:pkg/iface@ver`: the identifier was the namespace.
    TRY(package, id());
    TRY_VOID(expect(Tok::Slash));
    TRY(name, id());
    ast::PackageRef ref{std::move(first.name), std::move(package.name), std::nullopt, start};
    if (at(Tok::At)) {
      TRY(v, version_after_at());
      ref.version = std::move(v);
    }
    e.path.package = std::move(ref);
    e.path.name = std::move(name);
  } else {
    e.path.name = std::move(first);
  }
  e.kind = ast::Extern::Kind::Path;
  TRY_VOID(expect(Tok::Semicolon));
  return e;
}

Expected<ast::Include> Parser::include_item(ast::Gate gate) {
  ast::Include inc;
  inc.gate = std::move(gate);
  inc.offset = tok_.offset;
  TRY_VOID(advance());
  TRY(path, use_path());
  inc.path = std::move(path);
  if (at(Tok::With)) {
    TRY_VOID(advance());
    TRY_VOID(expect(Tok::LBrace));
    do {
      if (at(Tok::RBrace)) break;
      TRY(name, id());
      TRY_VOID(expect(Tok::As));
      TRY(as, id());
      inc.with.push_back(ast::IncludeName{std::move(name), std::move(as)});
      TRY(comma, eat(Tok::Comma));
      if (!comma) break;
    } while (true);
    if (inc.with.empty()) return unexpected("an identifier");
    TRY_VOID(expect(Tok::RBrace));
    return inc;
  }
  TRY_VOID(expect(Tok::Semicolon));
  return inc;
}

Expected<ast::Use> Parser::use_item(ast::Gate gate) {
  ast::Use u;
  u.gate = std::move(gate);
  u.offset = tok_.offset;
  TRY_VOID(expect(Tok::Use));
  TRY(path, use_path());
  u.path = std::move(path);
  TRY_VOID(expect(Tok::Dot));
  TRY_VOID(expect(Tok::LBrace));
  for (;;) {
    TRY(name, id());
    ast::UseName n{std::move(name), std::nullopt};
    if (at(Tok::As)) {
      TRY_VOID(advance());
      TRY(as, id());
      n.as = std::move(as);
    }
    u.names.push_back(std::move(n));
    TRY(comma, eat(Tok::Comma));
    if (!comma || at(Tok::RBrace)) break;
  }
  TRY_VOID(expect(Tok::RBrace));
  TRY_VOID(expect(Tok::Semicolon));
  return u;
}

Expected<ast::Func> Parser::func_item(ast::Gate gate, std::string docs) {
  ast::Func f;
  f.gate = std::move(gate);
  f.docs = std::move(docs);
  TRY(name, id());
  f.name = std::move(name);
  TRY_VOID(expect(Tok::Colon));
  TRY(type, func_type());
  f.type = std::move(type);
  TRY_VOID(expect(Tok::Semicolon));
  return f;
}

Expected<ast::FuncType> Parser::func_type() {
  ast::FuncType f;
  f.offset = tok_.offset;
  TRY(async, eat(Tok::Async));
  f.async = async;
  TRY_VOID(expect(Tok::Func));
  TRY(ps, params());
  f.params = std::move(ps);
  if (at(Tok::Arrow)) {
    TRY_VOID(advance());
    TRY(t, type());
    f.result.push_back(std::move(t));
  }
  return f;
}

Expected<std::vector<ast::Param>> Parser::params() {
  std::vector<ast::Param> out;
  TRY_VOID(expect(Tok::LParen));
  while (!at(Tok::RParen)) {
    TRY(name, id());
    TRY_VOID(expect(Tok::Colon));
    TRY(t, type());
    out.push_back(ast::Param{std::move(name), std::move(t)});
    TRY(comma, eat(Tok::Comma));
    if (!comma) break;
  }
  TRY_VOID(expect(Tok::RParen));
  return out;
}

Expected<ast::TypeDecl> Parser::type_decl(ast::Gate gate, std::string docs) {
  using K = ast::TypeDecl::Kind;
  ast::TypeDecl d;
  d.gate = std::move(gate);
  d.docs = std::move(docs);
  Tok keyword = tok_.kind;
  TRY_VOID(advance());
  TRY(name, id());
  d.name = std::move(name);
  switch (keyword) {
    case Tok::Type: {
      d.kind = K::Alias;
      TRY_VOID(expect(Tok::Equals));
      TRY(t, type());
      d.alias = std::move(t);
      TRY_VOID(expect(Tok::Semicolon));
      return d;
    }
    case Tok::Resource: {
      d.kind = K::Resource;
      TRY(semi, eat(Tok::Semicolon));
      if (semi) return d;
      TRY_VOID(expect(Tok::LBrace));
      while (!at(Tok::RBrace)) {
        ast::ResourceFunc f;
        f.docs = tok_.docs;
        TRY(g, parse_gate());
        f.gate = std::move(g);
        if (f.docs.empty()) f.docs = tok_.docs;
        if (at(Tok::Constructor)) {
          f.kind = ast::ResourceFunc::Kind::Constructor;
          f.name = ast::Id{"constructor", tok_.offset};
          f.type.offset = tok_.offset;
          TRY_VOID(advance());
          TRY(ps, params());
          f.type.params = std::move(ps);
          if (at(Tok::Arrow)) {  // a fallible constructor: `-> result<r, e>`
            TRY_VOID(advance());
            TRY(t, type());
            f.type.result.push_back(std::move(t));
          }
        } else {
          TRY(fname, id());
          f.name = std::move(fname);
          TRY_VOID(expect(Tok::Colon));
          TRY(is_static, eat(Tok::Static));
          f.kind = is_static ? ast::ResourceFunc::Kind::Static : ast::ResourceFunc::Kind::Method;
          TRY(ft, func_type());
          f.type = std::move(ft);
        }
        TRY_VOID(expect(Tok::Semicolon));
        d.funcs.push_back(std::move(f));
      }
      TRY_VOID(advance());
      return d;
    }
    default: break;
  }
  d.kind = keyword == Tok::Record ? K::Record : keyword == Tok::Variant ? K::Variant
           : keyword == Tok::Enum ? K::Enum : K::Flags;
  TRY_VOID(expect(Tok::LBrace));
  while (!at(Tok::RBrace)) {
    std::string item_docs = tok_.docs;
    TRY(member, id());
    if (d.kind == K::Record) {
      TRY_VOID(expect(Tok::Colon));
      TRY(t, type());
      d.fields.push_back(ast::Field{std::move(member), std::move(t), std::move(item_docs)});
    } else {
      ast::Case c{std::move(member), {}, std::move(item_docs)};
      if (d.kind == K::Variant && at(Tok::LParen)) {
        TRY_VOID(advance());
        TRY(t, type());
        c.payload.push_back(std::move(t));
        TRY_VOID(expect(Tok::RParen));
      }
      d.cases.push_back(std::move(c));
    }
    TRY(comma, eat(Tok::Comma));
    if (!comma) break;
  }
  if (d.fields.empty() && d.cases.empty() && d.kind != K::Record && d.kind != K::Flags) {
    return error_at(tok_.offset, fmt::format("{} `{}` needs at least one case",
                                             d.kind == K::Variant ? "variant" : "enum", d.name.name));
  }
  TRY_VOID(expect(Tok::RBrace));
  return d;
}

Expected<ast::Type> Parser::type(int depth) {
  using K = ast::Type::Kind;
  if (depth > max_type_depth) return error_at(tok_.offset, "types nest too deeply");
  ast::Type t;
  t.offset = tok_.offset;
  auto simple = [&](K kind) -> Expected<ast::Type> {
    t.kind = kind;
    TRY_VOID(advance());
    return t;
  };
  auto one_arg = [&]() -> Expected<void> {
    TRY_VOID(expect(Tok::LAngle));
    TRY(arg, type(depth + 1));
    t.args.push_back(std::move(arg));
    return {};
  };
  switch (tok_.kind) {
    case Tok::Bool: return simple(K::Bool);
    case Tok::U8: return simple(K::U8);
    case Tok::U16: return simple(K::U16);
    case Tok::U32: return simple(K::U32);
    case Tok::U64: return simple(K::U64);
    case Tok::S8: return simple(K::S8);
    case Tok::S16: return simple(K::S16);
    case Tok::S32: return simple(K::S32);
    case Tok::S64: return simple(K::S64);
    case Tok::F32: return simple(K::F32);
    case Tok::F64: return simple(K::F64);
    case Tok::Char: return simple(K::Char);
    case Tok::String: return simple(K::String);
    case Tok::ErrorContext: return simple(K::ErrorContext);
    case Tok::Id: case Tok::ExplicitId: {
      t.kind = K::Named;
      TRY(name, id());
      t.name = std::move(name);
      return t;
    }
    case Tok::List: {
      TRY_VOID(advance());
      TRY_VOID(one_arg());
      t.kind = K::List;
      if (at(Tok::Comma)) {
        TRY_VOID(advance());
        if (!at(Tok::Integer)) return unexpected("the list's length");
        uint64_t n = 0;
        for (char c : tok_.text) {
          n = n * 10 + uint64_t(c - '0');
          if (n > UINT32_MAX) return error_at(tok_.offset, "the list's length is too large");
        }
        if (n == 0) return error_at(tok_.offset, "a fixed-length list needs a length above 0");
        t.kind = K::FixedList;
        t.length = uint32_t(n);
        TRY_VOID(advance());
      }
      TRY_VOID(expect(Tok::RAngle));
      return t;
    }
    case Tok::Option: {
      t.kind = K::Option;
      TRY_VOID(advance());
      TRY_VOID(one_arg());
      TRY_VOID(expect(Tok::RAngle));
      return t;
    }
    case Tok::Own: case Tok::Borrow: {
      t.kind = at(Tok::Own) ? K::Own : K::Borrow;
      TRY_VOID(advance());
      TRY_VOID(expect(Tok::LAngle));
      TRY(name, id());
      t.name = std::move(name);
      TRY_VOID(expect(Tok::RAngle));
      return t;
    }
    case Tok::Future: case Tok::Stream: {
      t.kind = at(Tok::Future) ? K::Future : K::Stream;
      TRY_VOID(advance());
      if (at(Tok::LAngle)) {
        TRY_VOID(one_arg());
        TRY_VOID(expect(Tok::RAngle));
      }
      return t;
    }
    case Tok::Tuple: {
      t.kind = K::Tuple;
      TRY_VOID(advance());
      TRY_VOID(expect(Tok::LAngle));
      while (!at(Tok::RAngle)) {
        TRY(arg, type(depth + 1));
        t.args.push_back(std::move(arg));
        TRY(comma, eat(Tok::Comma));
        if (!comma) break;
      }
      if (t.args.empty()) return unexpected("a type");
      TRY_VOID(expect(Tok::RAngle));
      return t;
    }
    case Tok::Map: {
      t.kind = K::Map;
      TRY_VOID(advance());
      TRY_VOID(one_arg());
      TRY_VOID(expect(Tok::Comma));
      TRY(value, type(depth + 1));
      t.args.push_back(std::move(value));
      TRY_VOID(expect(Tok::RAngle));
      return t;
    }
    case Tok::Result: {
      t.kind = K::Result;
      TRY_VOID(advance());
      if (!at(Tok::LAngle)) return t;
      TRY_VOID(advance());
      if (at(Tok::Underscore)) {
        TRY_VOID(advance());
        TRY_VOID(expect(Tok::Comma));
      } else {
        TRY(ok, type(depth + 1));
        t.args.push_back(std::move(ok));
        t.result_ok = true;
        TRY(comma, eat(Tok::Comma));
        if (!comma) {
          TRY_VOID(expect(Tok::RAngle));
          return t;
        }
      }
      TRY(err, type(depth + 1));
      t.args.push_back(std::move(err));
      t.result_err = true;
      TRY_VOID(expect(Tok::RAngle));
      return t;
    }
    default:
      return unexpected("a type");
  }
}

}  // namespace

Expected<ast::File> parse_file(std::shared_ptr<const SourceFile> source) {
  return Parser(std::move(source)).parse();
}

Expected<ast::File> parse_text(std::string text, std::string path) {
  return parse_file(std::make_shared<const SourceFile>(SourceFile{std::move(path), std::move(text)}));
}

}  // namespace wasmrun::wit
