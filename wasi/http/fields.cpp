#include "wasi/http/fields.h"

#include <algorithm>
#include <array>

#include "http/syntax.h"

namespace wasmrun::wasi::http {

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ::wasmrun::http::ascii_lower(c);
  return out;
}

bool valid_field_name(std::string_view name) { return ::wasmrun::http::is_token(name); }

bool valid_field_value(std::span<const uint8_t> value) {
  for (uint8_t c : value)
    if (!::wasmrun::http::is_field_value_char(c)) return false;
  if (!value.empty()) {
    auto ws = [](uint8_t c) { return c == ' ' || c == '\t'; };
    if (ws(value.front()) || ws(value.back())) return false;
  }
  return true;
}

bool is_forbidden_field(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kForbidden = {
      "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
      "transfer-encoding", "upgrade", "host", "http2-settings"};
  return std::ranges::any_of(kForbidden, [&](std::string_view f) { return ::wasmrun::http::iequals(f, name); });
}

namespace {

HeaderProblem check_name(std::string_view name) {
  if (!valid_field_name(name)) return HeaderProblem::InvalidSyntax;
  if (is_forbidden_field(name)) return HeaderProblem::Forbidden;
  return HeaderProblem::None;
}

}  // namespace

HeaderProblem FieldsObject::set(std::string_view name, const std::vector<std::vector<uint8_t>>& values) {
  if (auto p = check_name(name); p != HeaderProblem::None) return p;
  for (const auto& v : values)
    if (!valid_field_value(v)) return HeaderProblem::InvalidSyntax;
  if (immutable) return HeaderProblem::Immutable;
  std::string key = lowercase(name);
  std::erase_if(data->entries, [&](const auto& e) { return e.first == key; });
  for (const auto& v : values) data->entries.emplace_back(key, v);
  return HeaderProblem::None;
}

HeaderProblem FieldsObject::append(std::string_view name, std::vector<uint8_t> value) {
  if (auto p = check_name(name); p != HeaderProblem::None) return p;
  if (!valid_field_value(value)) return HeaderProblem::InvalidSyntax;
  if (immutable) return HeaderProblem::Immutable;
  data->entries.emplace_back(lowercase(name), std::move(value));
  return HeaderProblem::None;
}

HeaderProblem FieldsObject::remove(std::string_view name) {
  if (auto p = check_name(name); p != HeaderProblem::None) return p;
  if (immutable) return HeaderProblem::Immutable;
  std::string key = lowercase(name);
  std::erase_if(data->entries, [&](const auto& e) { return e.first == key; });
  return HeaderProblem::None;
}

std::vector<std::vector<uint8_t>> FieldsObject::get(std::string_view name) const {
  std::vector<std::vector<uint8_t>> out;
  std::string key = lowercase(name);
  for (const auto& [n, v] : data->entries)
    if (n == key) out.push_back(v);
  return out;
}

bool FieldsObject::has(std::string_view name) const {
  std::string key = lowercase(name);
  return std::ranges::any_of(data->entries, [&](const auto& e) { return e.first == key; });
}

HeaderProblem fields_from_list(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& list,
                               FieldsData& out) {
  for (const auto& [name, value] : list) {
    if (auto p = check_name(name); p != HeaderProblem::None) return p;
    if (!valid_field_value(value)) return HeaderProblem::InvalidSyntax;
    out.entries.emplace_back(lowercase(name), value);
  }
  return HeaderProblem::None;
}

FieldList from_engine_fields(const ::wasmrun::http::Fields& fields) {
  FieldList out;
  out.reserve(fields.size());
  for (const auto& f : fields) {
    if (is_forbidden_field(f.name)) continue;
    out.emplace_back(lowercase(f.name), std::vector<uint8_t>(f.value.begin(), f.value.end()));
  }
  return out;
}

::wasmrun::http::Fields to_engine_fields(const FieldList& fields) {
  ::wasmrun::http::Fields out;
  out.reserve(fields.size());
  for (const auto& [n, v] : fields) out.add(n, std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
  return out;
}

}  // namespace wasmrun::wasi::http
