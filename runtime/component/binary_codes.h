// The one table of the component binary format's codes (component model Binary.md): sorts,
// section ids, primitive value types and canonical built-ins. The decoder (runtime/decode) and
// the text encoder (text/) both read these, so the two cannot disagree. Header-only and
// constexpr, so `text/` takes it without linking the runtime.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wasmrun::component {

// The sorts of definitions (Explainer "Index Spaces"), core sorts first.
enum class Sort : uint8_t {
  CoreFunc, CoreTable, CoreMemory, CoreGlobal, CoreTag, CoreType, CoreModule, CoreInstance,
  Func, Value, Type, Component, Instance,
};
constexpr size_t kSortCount = size_t(Sort::Instance) + 1;

constexpr bool is_core(Sort s) { return s <= Sort::CoreInstance; }

// `core:sort` codes, by Sort (core sorts only).
constexpr uint8_t kCoreSortCodes[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x12};
// `sort` codes of the component sorts (Func..Instance); 0x00 prefixes a core sort.
constexpr uint8_t kSortCodes[] = {0x01, 0x02, 0x03, 0x04, 0x05};
constexpr uint8_t kCoreSortPrefix = 0x00;

constexpr uint8_t core_sort_code(Sort s) { return kCoreSortCodes[size_t(s)]; }
constexpr uint8_t sort_code(Sort s) { return kSortCodes[size_t(s) - size_t(Sort::Func)]; }

constexpr std::optional<Sort> core_sort_from_code(uint8_t code) {
  for (size_t i = 0; i < std::size(kCoreSortCodes); ++i)
    if (kCoreSortCodes[i] == code) return Sort(i);
  return std::nullopt;
}
constexpr std::optional<Sort> sort_from_code(uint8_t code) {
  for (size_t i = 0; i < std::size(kSortCodes); ++i)
    if (kSortCodes[i] == code) return Sort(size_t(Sort::Func) + i);
  return std::nullopt;
}

constexpr const char* sort_name(Sort s) {
  constexpr const char* kNames[] = {
      "core func", "core table", "core memory", "core global", "core tag", "core type", "core module",
      "core instance", "func", "value", "type", "component", "instance",
  };
  return kNames[size_t(s)];
}

// Section ids (Binary.md `section`).
enum class SectionId : uint8_t {
  Custom = 0, CoreModule = 1, CoreInstance = 2, CoreType = 3, Component = 4, Instance = 5, Alias = 6,
  Type = 7, Canon = 8, Start = 9, Import = 10, Export = 11, Value = 12,
};
constexpr uint8_t kMaxSectionId = 12;

// The preamble (Binary.md `preamble`): magic, version 0x0d, layer 1.
constexpr uint8_t kPreamble[8] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};

// Declaration tags inside component and instance types (`componentdecl`, `instancedecl`).
enum class DeclTag : uint8_t { CoreType = 0x00, Type = 0x01, Alias = 0x02, Import = 0x03, Export = 0x04 };

// Type constructors (`defvaltype`, `functype`, `componenttype`, `instancetype`, `resourcetype`).
namespace type_code {
constexpr uint8_t Record = 0x72, Variant = 0x71, List = 0x70, Tuple = 0x6f, Flags = 0x6e, Enum = 0x6d,
                  Option = 0x6b, Result = 0x6a, Own = 0x69, Borrow = 0x68, FixedList = 0x67, Stream = 0x66,
                  Future = 0x65, ErrorContext = 0x64, Map = 0x63, Func = 0x40, AsyncFunc = 0x43,
                  Component = 0x41, Instance = 0x42, Resource = 0x3f, AsyncResource = 0x3e,
                  CoreModule = 0x50, CoreFunc = 0x60;
}  // namespace type_code

// Primitive value types (`primvaltype`), both names the text format accepts.
struct PrimitiveCode {
  std::string_view name;
  uint8_t code;
};
constexpr PrimitiveCode kPrimitives[] = {
    {"bool", 0x7f}, {"s8", 0x7e},  {"u8", 0x7d},  {"s16", 0x7c},     {"u16", 0x7b},     {"s32", 0x7a},
    {"u32", 0x79},  {"s64", 0x78}, {"u64", 0x77}, {"f32", 0x76},     {"f64", 0x75},     {"float32", 0x76},
    {"float64", 0x75}, {"char", 0x74}, {"string", 0x73}, {"error-context", 0x64},
};
// Primitive codes run from bool (0x7f) down to string (0x73) in ValueKind order.
constexpr uint8_t kPrimitiveFirst = 0x7f, kPrimitiveLast = 0x73;

// Extern descriptors (`externdesc`).
enum class ExternCode : uint8_t { CoreModule = 0x00, Func = 0x01, Value = 0x02, Type = 0x03, Component = 0x04, Instance = 0x05 };
constexpr uint8_t kCoreModuleDescSort = 0x11;  // follows ExternCode::CoreModule

// Extern name forms (`importname'`/`exportname'`): 0x00 and 0x01 a plain name, 0x02 a name with
// attributes. Attribute tags, by position in kNameAttributes.
constexpr std::string_view kNameAttributes[] = {"implements", "versionsuffix", "external-id"};

// Canonical options (`canonopt`).
namespace canonopt {
constexpr uint8_t Utf8 = 0x00, Utf16 = 0x01, Latin1Utf16 = 0x02, Memory = 0x03, Realloc = 0x04,
                  PostReturn = 0x05, Async = 0x06, Callback = 0x07, CoreType = 0x08, Gc = 0x09;
}

// Canonical definitions (`canon`): the code, its text name, and the shape of its immediates.
enum class CanonShape : uint8_t {
  Lift,         // 0x00 core:funcidx opts typeidx
  Lower,        // 0x00 funcidx opts
  Plain,        // no immediates
  Type,         // typeidx
  TypeOptions,  // typeidx canonopt*
  TypeAsync,    // typeidx async?
  Options,      // canonopt*
  Async,        // async?
  Cancel,       // cancellable?
  CancelMemory, // cancellable? core:memidx
  Shared,       // shared?
  TaskReturn,   // resultlist canonopt*
  Context,      // valtype(i32|i64) u32
  NewIndirect,  // core:typeidx core:tableidx
  SpawnRef,     // shared? core:typeidx
  SpawnIndirect,// shared? core:typeidx core:tableidx
};

struct CanonCode {
  std::string_view name;
  uint8_t code;
  CanonShape shape;
  // Implemented here: the synchronous MVP and the error-context built-ins (the rest: async,
  // streams, futures, threads, ...).
  bool sync_mvp;
};

constexpr CanonCode kCanonCodes[] = {
    {"lift", 0x00, CanonShape::Lift, true},
    {"lower", 0x01, CanonShape::Lower, true},
    {"resource.new", 0x02, CanonShape::Type, true},
    {"resource.drop", 0x03, CanonShape::Type, true},
    {"resource.rep", 0x04, CanonShape::Type, true},
    {"task.cancel", 0x05, CanonShape::Plain, false},
    {"subtask.cancel", 0x06, CanonShape::Async, false},
    {"resource.drop async", 0x07, CanonShape::Type, false},
    {"task.return", 0x09, CanonShape::TaskReturn, false},
    {"context.get", 0x0a, CanonShape::Context, false},
    {"context.set", 0x0b, CanonShape::Context, false},
    {"thread.yield", 0x0c, CanonShape::Cancel, false},
    {"subtask.drop", 0x0d, CanonShape::Plain, false},
    {"stream.new", 0x0e, CanonShape::Type, false},
    {"stream.read", 0x0f, CanonShape::TypeOptions, false},
    {"stream.write", 0x10, CanonShape::TypeOptions, false},
    {"stream.cancel-read", 0x11, CanonShape::TypeAsync, false},
    {"stream.cancel-write", 0x12, CanonShape::TypeAsync, false},
    {"stream.drop-readable", 0x13, CanonShape::Type, false},
    {"stream.drop-writable", 0x14, CanonShape::Type, false},
    {"future.new", 0x15, CanonShape::Type, false},
    {"future.read", 0x16, CanonShape::TypeOptions, false},
    {"future.write", 0x17, CanonShape::TypeOptions, false},
    {"future.cancel-read", 0x18, CanonShape::TypeAsync, false},
    {"future.cancel-write", 0x19, CanonShape::TypeAsync, false},
    {"future.drop-readable", 0x1a, CanonShape::Type, false},
    {"future.drop-writable", 0x1b, CanonShape::Type, false},
    {"error-context.new", 0x1c, CanonShape::Options, true},
    {"error-context.debug-message", 0x1d, CanonShape::Options, true},
    {"error-context.drop", 0x1e, CanonShape::Plain, true},
    {"waitable-set.new", 0x1f, CanonShape::Plain, false},
    {"waitable-set.wait", 0x20, CanonShape::CancelMemory, false},
    {"waitable-set.poll", 0x21, CanonShape::CancelMemory, false},
    {"waitable-set.drop", 0x22, CanonShape::Plain, false},
    {"waitable.join", 0x23, CanonShape::Plain, false},
    {"backpressure.inc", 0x24, CanonShape::Plain, false},
    {"backpressure.dec", 0x25, CanonShape::Plain, false},
    {"thread.index", 0x26, CanonShape::Plain, false},
    {"thread.new-indirect", 0x27, CanonShape::NewIndirect, false},
    {"thread.resume-later", 0x28, CanonShape::Plain, false},
    {"thread.suspend", 0x29, CanonShape::Cancel, false},
    {"thread.suspend-then-resume", 0x2a, CanonShape::Cancel, false},
    {"thread.yield-then-resume", 0x2b, CanonShape::Cancel, false},
    {"thread.suspend-then-promote", 0x2c, CanonShape::Cancel, false},
    {"thread.yield-then-promote", 0x2d, CanonShape::Cancel, false},
    {"thread.spawn-ref", 0x40, CanonShape::SpawnRef, false},
    {"thread.spawn-indirect", 0x41, CanonShape::SpawnIndirect, false},
    {"thread.available-parallelism", 0x42, CanonShape::Shared, false},
};

constexpr const CanonCode* canon_by_code(uint8_t code) {
  for (const CanonCode& c : kCanonCodes)
    if (c.code == code) return &c;
  return nullptr;
}
constexpr const CanonCode* canon_by_name(std::string_view name) {
  for (const CanonCode& c : kCanonCodes)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace wasmrun::component
