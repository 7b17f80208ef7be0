#include "wit/bindgen/cpp_names.h"

#include <array>
#include <string_view>

namespace wasmrun::wit::bindgen {
namespace {

constexpr std::string_view cpp_keywords[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case",
    "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const",
    "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await", "co_return",
    "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast", "else", "enum",
    "explicit", "export", "extern", "false", "float", "for", "friend", "goto", "if", "inline", "int",
    "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq", "nullptr", "operator", "or",
    "or_eq", "private", "protected", "public", "register", "reinterpret_cast", "requires", "return",
    "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct", "switch",
    "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
    "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
    // names the generated code or the standard library's macros take
    "errno", "stdin", "stdout", "stderr", "assert",
};

}  // namespace

std::string escape_keyword(const std::string& name) {
  for (auto k : cpp_keywords) {
    if (k == name) return name + "_";
  }
  return name;
}

std::string snake_name(const std::string& kebab) {
  std::string out;
  for (char c : kebab) {
    if (c == '-') {
      out += '_';
    } else {
      out += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    }
  }
  return escape_keyword(out);
}

std::string camel_name(const std::string& kebab) {
  std::string out;
  bool start = true;
  for (char c : kebab) {
    if (c == '-') {
      start = true;
      continue;
    }
    char lower = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    out += start && lower >= 'a' && lower <= 'z' ? char(lower - 'a' + 'A') : lower;
    start = false;
  }
  return out;
}

std::string interface_namespace(const Resolve& resolve, InterfaceId id) {
  const Interface& iface = resolve.interfaces[id];
  const PackageName& pkg = resolve.packages[*iface.package].name;
  return snake_name(pkg.ns) + "::" + snake_name(pkg.name) + "::" + snake_name(*iface.name);
}

std::string package_file_stem(const PackageName& name) {
  std::string stem = name.ns + "_" + name.name;
  for (char& c : stem) {
    if (c == '-') c = '_';
  }
  return stem;
}

}  // namespace wasmrun::wit::bindgen
