#include "cli/wast/wast_values.h"

#include <fmt/format.h>

#include <cstring>

namespace wasmrun::cli {

using text::LaneShape;
using text::NanPattern;
using text::WastValue;
using wasm::ValType;

namespace {

// `ref.extern N` is the host reference N + 1, so that ref.extern 0 is not null.
void* extern_ref(uint32_t n) { return reinterpret_cast<void*>(uintptr_t(n) + 1); }

bool nan_matches(NanPattern p, uint64_t bits, bool is_f32) {
  uint64_t exponent_and_quiet = is_f32 ? 0x7FC00000u : 0x7FF8000000000000u;
  uint64_t magnitude = is_f32 ? (bits & 0x7FFFFFFFu) : (bits & 0x7FFFFFFFFFFFFFFFu);
  if (p == NanPattern::Canonical) return magnitude == exponent_and_quiet;
  return (magnitude & exponent_and_quiet) == exponent_and_quiet;  // arithmetic: any quiet NaN
}

uint64_t load_bits(const vm::VMValue& v, size_t offset, size_t width) {
  uint64_t bits = 0;
  std::memcpy(&bits, v.bytes + offset, width);
  return bits;
}

}  // namespace

ValType type_of(const WastValue& v) {
  switch (v.kind) {
    case WastValue::Kind::I32: return ValType::I32;
    case WastValue::Kind::I64: return ValType::I64;
    case WastValue::Kind::F32: return ValType::F32;
    case WastValue::Kind::F64: return ValType::F64;
    case WastValue::Kind::V128: return ValType::V128;
    case WastValue::Kind::FuncRef: return ValType::FuncRef;
    case WastValue::Kind::ExternRef: return ValType::ExternRef;
    default: break;  // 3.0 references and component values: no 2.0 runtime type
  }
  return ValType::I32;
}

bool has_type(const WastValue& v, ValType type) {
  switch (v.kind) {
    case WastValue::Kind::I32: case WastValue::Kind::I64: case WastValue::Kind::F32: case WastValue::Kind::F64:
    case WastValue::Kind::V128: case WastValue::Kind::FuncRef: case WastValue::Kind::ExternRef:
      return type_of(v) == type;
    default:
      return false;  // 3.0 references and component values have no 2.0 runtime type
  }
}

vm::VMValue to_vm_value(const WastValue& v) {
  vm::VMValue out{};
  switch (v.kind) {
    case WastValue::Kind::V128:
      std::memcpy(out.bytes, v.v128, 16);
      break;
    case WastValue::Kind::FuncRef:
      break;  // only null funcrefs appear as arguments
    case WastValue::Kind::ExternRef: {
      void* p = v.is_null ? nullptr : extern_ref(v.ref);
      std::memcpy(out.bytes, &p, sizeof p);
      break;
    }
    default:
      std::memcpy(out.bytes, &v.bits, 8);
      break;
  }
  return out;
}

bool matches(const WastValue& expected, ValType type, const vm::VMValue& actual) {
  if (expected.kind == WastValue::Kind::Either) {
    for (const WastValue& alternative : expected.alternatives)
      if (matches(alternative, type, actual)) return true;
    return false;
  }
  if (type_of(expected) != type) return false;
  switch (expected.kind) {
    case WastValue::Kind::I32:
      return load_bits(actual, 0, 4) == (expected.bits & 0xFFFFFFFFu);
    case WastValue::Kind::I64:
      return load_bits(actual, 0, 8) == expected.bits;
    case WastValue::Kind::F32:
      if (expected.nan != NanPattern::None) return nan_matches(expected.nan, load_bits(actual, 0, 4), true);
      return load_bits(actual, 0, 4) == (expected.bits & 0xFFFFFFFFu);
    case WastValue::Kind::F64:
      if (expected.nan != NanPattern::None) return nan_matches(expected.nan, load_bits(actual, 0, 8), false);
      return load_bits(actual, 0, 8) == expected.bits;
    case WastValue::Kind::V128: {
      size_t width = 0;
      bool is_float = false;
      switch (expected.shape) {
        case LaneShape::I8x16: width = 1; break;
        case LaneShape::I16x8: width = 2; break;
        case LaneShape::I32x4: width = 4; break;
        case LaneShape::I64x2: width = 8; break;
        case LaneShape::F32x4: width = 4; is_float = true; break;
        case LaneShape::F64x2: width = 8; is_float = true; break;
      }
      for (size_t lane = 0; lane < 16 / width; ++lane) {
        uint64_t got = load_bits(actual, lane * width, width);
        if (is_float && expected.lane_nan[lane] != NanPattern::None) {
          if (!nan_matches(expected.lane_nan[lane], got, width == 4)) return false;
        } else {
          uint64_t want = 0;
          std::memcpy(&want, expected.v128 + lane * width, width);
          if (got != want) return false;
        }
      }
      return true;
    }
    case WastValue::Kind::FuncRef: {
      void* p;
      std::memcpy(&p, actual.bytes, sizeof p);
      return expected.is_null ? p == nullptr : p != nullptr;
    }
    case WastValue::Kind::ExternRef: {
      void* p;
      std::memcpy(&p, actual.bytes, sizeof p);
      return p == (expected.is_null ? nullptr : extern_ref(expected.ref));
    }
    default:
      return false;
  }
}

std::string describe(const WastValue& v) {
  auto nan = [](NanPattern p) { return p == NanPattern::Canonical ? "nan:canonical" : "nan:arithmetic"; };
  switch (v.kind) {
    case WastValue::Kind::I32: return fmt::format("i32:{:#x}", uint32_t(v.bits));
    case WastValue::Kind::I64: return fmt::format("i64:{:#x}", v.bits);
    case WastValue::Kind::F32: return v.nan != NanPattern::None ? fmt::format("f32:{}", nan(v.nan)) : fmt::format("f32:{:#x}", uint32_t(v.bits));
    case WastValue::Kind::F64: return v.nan != NanPattern::None ? fmt::format("f64:{}", nan(v.nan)) : fmt::format("f64:{:#x}", v.bits);
    case WastValue::Kind::V128: {
      std::string s = "v128:";
      for (int i = 15; i >= 0; --i) s += fmt::format("{:02x}", v.v128[i]);
      for (NanPattern p : v.lane_nan)
        if (p != NanPattern::None) return s + " (with NaN lanes)";
      return s;
    }
    case WastValue::Kind::FuncRef: return v.is_null ? "ref.null func" : "ref.func";
    case WastValue::Kind::ExternRef: return v.is_null ? "ref.null extern" : fmt::format("ref.extern {}", v.ref);
    case WastValue::Kind::Either: {
      std::string s = "either(";
      for (const WastValue& alternative : v.alternatives) s += " " + describe(alternative);
      return s + " )";
    }
    default: return "?";
  }
}

std::string describe(ValType type, const vm::VMValue& v) {
  switch (type) {
    case ValType::I32: return fmt::format("i32:{:#x}", load_bits(v, 0, 4));
    case ValType::I64: return fmt::format("i64:{:#x}", load_bits(v, 0, 8));
    case ValType::F32: return fmt::format("f32:{:#x}", load_bits(v, 0, 4));
    case ValType::F64: return fmt::format("f64:{:#x}", load_bits(v, 0, 8));
    case ValType::V128: {
      std::string s = "v128:";
      for (int i = 15; i >= 0; --i) s += fmt::format("{:02x}", v.bytes[i]);
      return s;
    }
    case ValType::FuncRef: case ValType::ExternRef:
      return fmt::format("{}:{:#x}", to_string(type), load_bits(v, 0, 8));
  }
  return "?";
}

}  // namespace wasmrun::cli
