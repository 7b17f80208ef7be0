// wasi:http `fields` (headers and trailers) on the host: validation of names and values, the
// headers a guest may not set, and the immutability rules of wasi:http/types.
//
// Names are kept lowercased, as Wasmtime's (the `http` crate's HeaderName) are: `entries` gives
// them back lowercased and `get`/`has`/`delete` match any case. Values are bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/fields.h"

namespace wasmrun::wasi::http {

using FieldList = std::vector<std::pair<std::string, std::vector<uint8_t>>>;

// What a fields operation may fail with (wasi:http header-error).
enum class HeaderProblem { None, InvalidSyntax, Forbidden, Immutable };

// A field name is an RFC 9110 token.
bool valid_field_name(std::string_view name);
// A field value: visible characters, obs-text, SP and HTAB inside; no CR, LF or NUL; no
// leading or trailing whitespace (what the `http` crate's HeaderValue accepts, less its
// acceptance of surrounding whitespace, which RFC 9110 §5.5 excludes).
bool valid_field_value(std::span<const uint8_t> value);

// Fields a guest may neither set nor receive (Wasmtime's DEFAULT_FORBIDDEN_HEADERS): they
// describe one connection hop, which the host owns. Case-insensitive.
bool is_forbidden_field(std::string_view name);

// The storage behind one or more `fields` handles: a request's headers are shared between the
// request and the handles `headers()` returns.
struct FieldsData {
  FieldList entries;  // names lowercased, in insertion order
};

// What the resource table holds behind a `fields` handle.
struct FieldsObject {
  std::shared_ptr<FieldsData> data = std::make_shared<FieldsData>();
  bool immutable = false;

  // The operations of wasi:http/types `fields`; each checks syntax, then the forbidden list,
  // then immutability, in Wasmtime's order.
  HeaderProblem set(std::string_view name, const std::vector<std::vector<uint8_t>>& values);
  HeaderProblem append(std::string_view name, std::vector<uint8_t> value);
  HeaderProblem remove(std::string_view name);
  std::vector<std::vector<uint8_t>> get(std::string_view name) const;
  bool has(std::string_view name) const;
};

// `fields.from-list`: a new mutable fields, or the first problem.
HeaderProblem fields_from_list(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& list,
                               FieldsData& out);

// Between the engine's fields and the guest's: incoming headers lose forbidden fields (as in
// Wasmtime); outgoing ones are already valid.
FieldList from_engine_fields(const ::wasmrun::http::Fields& fields);
::wasmrun::http::Fields to_engine_fields(const FieldList& fields);

std::string lowercase(std::string_view s);

}  // namespace wasmrun::wasi::http
