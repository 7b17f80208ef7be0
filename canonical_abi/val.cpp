#include "wasmrun/component/val.h"

#include <fmt/format.h>

#include "canonical_abi/transcode.h"
#include "canonical_abi/wave_printer.h"

#include <bit>
#include <cmath>

namespace wasmrun::component {

Val::Val(const Val& other) : kind_(other.kind_), bits_(other.bits_) {
  if (other.body_) body_ = std::make_unique<Body>(*other.body_);
}

Val& Val::operator=(const Val& other) {
  if (this != &other) {
    kind_ = other.kind_;
    bits_ = other.bits_;
    body_ = other.body_ ? std::make_unique<Body>(*other.body_) : nullptr;
  }
  return *this;
}

Val::~Val() = default;

const Val::Body& Val::body() const {
  static const Body kEmpty;
  return body_ ? *body_ : kEmpty;
}

Val::Body& Val::make_body() {
  if (!body_) body_ = std::make_unique<Body>();
  return *body_;
}

Val Val::f32(float v) { return scalar(Kind::F32, std::bit_cast<uint32_t>(v)); }
Val Val::f64(double v) { return scalar(Kind::F64, std::bit_cast<uint64_t>(v)); }
float Val::as_f32() const { return std::bit_cast<float>(uint32_t(bits_)); }
double Val::as_f64() const { return std::bit_cast<double>(bits_); }

Val Val::string(std::string utf8) {
  uint32_t units = uint32_t(utf8.size());
  return string_from(std::move(utf8), 0, units);
}

Val Val::string_from(std::string utf8, uint8_t source, uint32_t code_units) {
  Val v;
  v.kind_ = Kind::String;
  v.make_body().text = std::move(utf8);
  v.bits_ = uint64_t(source) << 32 | code_units;
  return v;
}

Val Val::list(std::vector<Val> elements) {
  Val v;
  v.kind_ = Kind::List;
  v.make_body().elements = std::move(elements);
  return v;
}

Val Val::record(std::vector<std::pair<std::string, Val>> fields) {
  Val v;
  v.kind_ = Kind::Record;
  Body& b = v.make_body();
  b.names.reserve(fields.size());
  b.elements.reserve(fields.size());
  for (auto& [name, value] : fields) {
    b.names.push_back(std::move(name));
    b.elements.push_back(std::move(value));
  }
  return v;
}

Val Val::tuple(std::vector<Val> elements) {
  Val v;
  v.kind_ = Kind::Tuple;
  v.make_body().elements = std::move(elements);
  return v;
}

Val Val::variant(std::string case_name, std::optional<Val> payload) {
  Val v;
  v.kind_ = Kind::Variant;
  v.make_body().text = std::move(case_name);
  if (payload) v.make_body().elements.push_back(std::move(*payload));
  return v;
}

Val Val::enumeration(std::string case_name) {
  Val v;
  v.kind_ = Kind::Enum;
  v.make_body().text = std::move(case_name);
  return v;
}

Val Val::flags(std::vector<std::string> set_flags) {
  Val v;
  v.kind_ = Kind::Flags;
  v.make_body().names = std::move(set_flags);
  return v;
}

Val Val::option(std::optional<Val> payload) {
  Val v;
  v.kind_ = Kind::Option;
  if (payload) v.make_body().elements.push_back(std::move(*payload));
  return v;
}

Val Val::ok(std::optional<Val> payload) {
  Val v;
  v.kind_ = Kind::Result;
  if (payload) v.make_body().elements.push_back(std::move(*payload));
  return v;
}

Val Val::err(std::optional<Val> payload) {
  Val v = ok(std::move(payload));
  v.bits_ = 1;
  return v;
}

Val Val::own(ResourceAny r) {
  Val v;
  v.kind_ = Kind::Own;
  r.own = true;
  v.make_body().resource = std::move(r);
  return v;
}

Val Val::borrow(ResourceAny r) {
  Val v;
  v.kind_ = Kind::Borrow;
  r.own = false;
  v.make_body().resource = std::move(r);
  return v;
}

Val Val::error_context(ErrorContextAny e) {
  Val v;
  v.kind_ = Kind::ErrorContext;
  v.make_body().error_context = std::move(e);
  return v;
}

bool Val::operator==(const Val& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::F32:
      if (std::isnan(as_f32()) && std::isnan(other.as_f32())) return true;
      return bits_ == other.bits_;
    case Kind::F64:
      if (std::isnan(as_f64()) && std::isnan(other.as_f64())) return true;
      return bits_ == other.bits_;
    case Kind::String:
      return as_string() == other.as_string();
    case Kind::Own:
    case Kind::Borrow:
      return resource() == other.resource();
    case Kind::ErrorContext:
      return error_context() == other.error_context();
    default: {
      if (bits_ != other.bits_) return false;
      const Body& a = body();
      const Body& b = other.body();
      return a.text == b.text && a.names == b.names && a.elements == b.elements;
    }
  }
}

std::string Val::to_string() const { return wave::print(*this); }

}  // namespace wasmrun::component
