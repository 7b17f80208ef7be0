// Component values for the dynamic embedding API and the spec-test runner (DESIGN §8: the hot
// path is typed, see canonical_abi/typed.h). A Val carries its labels (record fields, variant
// cases, enum cases, flags), as a script or a host writes them, so it needs no type to be built
// or printed; lowering checks it against the component type.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wasmrun::component {

struct ResourceType;

// A resource handle as the host holds it (CanonicalABI.md lift_own / lift_borrow): the resource
// type's identity and the representation. An `own` held by the host must be given back to a
// component or dropped with canon::drop_host_resource; a `borrow` is valid during one call.
struct ResourceAny {
  std::shared_ptr<const ResourceType> type;
  uint32_t rep = 0;
  bool own = true;

  bool operator==(const ResourceAny&) const = default;
};

// An error context (Explainer "error-context", CanonicalABI.md `ErrorContext`): an immutable
// debug message. Handles to it in any component instance, and the host's values, share the one
// object; lifting one out of a component does not consume the handle.
struct ErrorContextAny {
  std::shared_ptr<const std::string> debug_message;

  bool operator==(const ErrorContextAny&) const = default;
};

class Val {
 public:
  enum class Kind : uint8_t {
    Bool, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, Char, String,
    List, Record, Tuple, Variant, Enum, Flags, Option, Result, Own, Borrow, ErrorContext,
  };
  Val() = default;
  Val(const Val& other);
  Val& operator=(const Val& other);
  Val(Val&&) noexcept = default;
  Val& operator=(Val&&) noexcept = default;
  ~Val();

  static Val boolean(bool v) { return scalar(Kind::Bool, v ? 1 : 0); }
  static Val s8(int8_t v) { return scalar(Kind::S8, uint64_t(int64_t(v))); }
  static Val u8(uint8_t v) { return scalar(Kind::U8, v); }
  static Val s16(int16_t v) { return scalar(Kind::S16, uint64_t(int64_t(v))); }
  static Val u16(uint16_t v) { return scalar(Kind::U16, v); }
  static Val s32(int32_t v) { return scalar(Kind::S32, uint64_t(int64_t(v))); }
  static Val u32(uint32_t v) { return scalar(Kind::U32, v); }
  static Val s64(int64_t v) { return scalar(Kind::S64, uint64_t(v)); }
  static Val u64(uint64_t v) { return scalar(Kind::U64, v); }
  static Val f32(float v);
  static Val f64(double v);
  static Val character(char32_t c) { return scalar(Kind::Char, c); }
  static Val string(std::string utf8);
  // A string lifted from a component, with the encoding it came in (canon::StringSource) and its
  // length in that encoding's code units: lowering it again follows the spec's transcoding path
  // for that encoding, realloc calls included. Not part of equality.
  static Val string_from(std::string utf8, uint8_t source, uint32_t code_units);
  static Val list(std::vector<Val> elements);
  static Val record(std::vector<std::pair<std::string, Val>> fields);
  static Val tuple(std::vector<Val> elements);
  static Val variant(std::string case_name, std::optional<Val> payload = std::nullopt);
  static Val enumeration(std::string case_name);
  static Val flags(std::vector<std::string> set_flags);
  static Val option(std::optional<Val> payload);
  static Val ok(std::optional<Val> payload = std::nullopt);
  static Val err(std::optional<Val> payload = std::nullopt);
  static Val own(ResourceAny r);
  static Val borrow(ResourceAny r);
  static Val error_context(ErrorContextAny e);

  Kind kind() const { return kind_; }

  bool as_bool() const { return bits_ != 0; }
  int64_t as_signed() const { return int64_t(bits_); }  // S8..S64, sign-extended
  uint64_t as_unsigned() const { return bits_; }        // U8..U64
  float as_f32() const;
  double as_f64() const;
  char32_t as_char() const { return char32_t(bits_); }
  const std::string& as_string() const { return body().text; }
  uint8_t string_source() const { return uint8_t(bits_ >> 32); }
  uint32_t string_code_units() const { return uint32_t(bits_); }

  // List and tuple elements; record field values (names in field_names()); the payload of a
  // variant, option or result, when present, as the one element.
  const std::vector<Val>& elements() const { return body().elements; }
  const std::vector<std::string>& field_names() const { return body().names; }
  const std::string& case_name() const { return body().text; }  // Variant, Enum
  const std::vector<std::string>& set_flags() const { return body().names; }
  bool has_payload() const { return !elements().empty(); }
  const Val& payload() const { return elements().front(); }
  bool is_some() const { return has_payload(); }   // Option
  bool is_ok() const { return bits_ == 0; }        // Result
  const ResourceAny& resource() const { return body().resource; }
  const ErrorContextAny& error_context() const { return body().error_context; }

  // Floats compare equal when both are NaN (any payload: the canonical ABI canonicalizes NaNs
  // on lifting), otherwise by bits, so -0 and +0 differ.
  bool operator==(const Val& other) const;

  // WAVE syntax (the WebAssembly Value Encoding): `[1, 2]`, `{a: 1}`, `some("x")`, `ok`, ...
  std::string to_string() const;

 private:
  static Val scalar(Kind k, uint64_t bits) {
    Val v;
    v.kind_ = k;
    v.bits_ = bits;
    return v;
  }

  // What a value holds besides its kind and bits. Scalars have none, so a list of them is an
  // array of small Vals (24 bytes each).
  struct Body {
    std::string text;                // String; Variant and Enum case name
    std::vector<Val> elements;       // List, Tuple, Record values, payloads
    std::vector<std::string> names;  // Record field names, Flags set
    ResourceAny resource;            // Own, Borrow
    ErrorContextAny error_context;   // ErrorContext
  };
  const Body& body() const;
  Body& make_body();

  Kind kind_ = Kind::Bool;
  uint64_t bits_ = 0;  // scalars; Result: 0 ok, 1 err; String: source, code units
  std::unique_ptr<Body> body_;
};

}  // namespace wasmrun::component
