// The WebAssembly type language (core spec §2.3): value, function, table, memory, global types.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace wasmrun::wasm {

// Value types carry their binary encoding (§5.3.1) so the decoder can map bytes directly.
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
};

constexpr bool is_reference(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }
constexpr bool is_numeric(ValType t) { return !is_reference(t) && t != ValType::V128; }

std::string_view to_string(ValType t);

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool operator==(const Limits&) const = default;
};

struct TableType {
  ValType element = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
};

struct GlobalType {
  ValType type = ValType::I32;
  bool is_mutable = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };

std::string_view to_string(ExternKind k);

constexpr uint32_t kPageSize = 65536;
constexpr uint64_t kMaxPages32 = 65536;  // 4 GiB
constexpr uint64_t kMaxTableSize = 0xFFFFFFFFu;

}  // namespace wasmrun::wasm
