// Wasm values as the embedding API sees them.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace wasmrun {

enum class ValType : uint8_t { I32, I64, F32, F64, V128, FuncRef, ExternRef };

std::string_view to_string(ValType t);

struct V128 {
  uint8_t bytes[16] = {};
  bool operator==(const V128&) const = default;
};

// One value in its 16-byte machine slot: the layout host functions and calls exchange.
struct alignas(16) RawValue {
  uint8_t bytes[16] = {};

  template <class T>
  T get() const {
    static_assert(sizeof(T) <= 16);
    T v;
    std::memcpy(&v, bytes, sizeof v);
    return v;
  }
  template <class T>
  void set(T v) {
    static_assert(sizeof(T) <= 16);
    std::memset(bytes, 0, sizeof bytes);
    std::memcpy(bytes, &v, sizeof v);
  }
};

// A typed value for the dynamic API. References are opaque pointers: a funcref is the runtime's
// function reference (null when absent), an externref any host pointer (null is null).
class Val {
 public:
  static Val i32(int32_t v) { return make(ValType::I32, v); }
  static Val i64(int64_t v) { return make(ValType::I64, v); }
  static Val f32(float v) { return make(ValType::F32, v); }
  static Val f64(double v) { return make(ValType::F64, v); }
  static Val v128(V128 v) { return make(ValType::V128, v); }
  static Val externref(void* p) { return make(ValType::ExternRef, p); }
  static Val funcref(void* p) { return make(ValType::FuncRef, p); }
  static Val from_raw(ValType t, RawValue raw) {
    Val v;
    v.type_ = t;
    v.raw_ = raw;
    return v;
  }

  ValType type() const { return type_; }
  int32_t i32() const { return raw_.get<int32_t>(); }
  int64_t i64() const { return raw_.get<int64_t>(); }
  float f32() const { return raw_.get<float>(); }
  double f64() const { return raw_.get<double>(); }
  V128 v128() const { return raw_.get<V128>(); }
  void* ref() const { return raw_.get<void*>(); }
  const RawValue& raw() const { return raw_; }

 private:
  template <class T>
  static Val make(ValType t, T value) {
    Val v;
    v.type_ = t;
    v.raw_.set(value);
    return v;
  }
  ValType type_ = ValType::I32;
  RawValue raw_;
};

}  // namespace wasmrun
