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

// The feature a canonical definition belongs to (Binary.md's emoji): the MVP, 🔀 async (tasks,
// streams, futures, waitable sets), 🧵 threading (cooperative threads), 🧵② shared-everything
// threads, 📝 error contexts.
enum class CanonFeature : uint8_t { Mvp, Async, Threading, SharedThreading, ErrorContext };

struct CanonCode {
  std::string_view name;
  uint8_t code;
  CanonShape shape;
  CanonFeature feature;
};

constexpr CanonCode kCanonCodes[] = {
    {"lift", 0x00, CanonShape::Lift, CanonFeature::Mvp},
    {"lower", 0x01, CanonShape::Lower, CanonFeature::Mvp},
    {"resource.new", 0x02, CanonShape::Type, CanonFeature::Mvp},
    {"resource.drop", 0x03, CanonShape::Type, CanonFeature::Mvp},
    {"resource.rep", 0x04, CanonShape::Type, CanonFeature::Mvp},
    {"task.cancel", 0x05, CanonShape::Plain, CanonFeature::Async},
    {"subtask.cancel", 0x06, CanonShape::Async, CanonFeature::Async},
    {"task.return", 0x09, CanonShape::TaskReturn, CanonFeature::Async},
    {"context.get", 0x0a, CanonShape::Context, CanonFeature::Async},
    {"context.set", 0x0b, CanonShape::Context, CanonFeature::Async},
    {"thread.yield", 0x0c, CanonShape::Cancel, CanonFeature::Async},
    {"subtask.drop", 0x0d, CanonShape::Plain, CanonFeature::Async},
    {"stream.new", 0x0e, CanonShape::Type, CanonFeature::Async},
    {"stream.read", 0x0f, CanonShape::TypeOptions, CanonFeature::Async},
    {"stream.write", 0x10, CanonShape::TypeOptions, CanonFeature::Async},
    {"stream.cancel-read", 0x11, CanonShape::TypeAsync, CanonFeature::Async},
    {"stream.cancel-write", 0x12, CanonShape::TypeAsync, CanonFeature::Async},
    {"stream.drop-readable", 0x13, CanonShape::Type, CanonFeature::Async},
    {"stream.drop-writable", 0x14, CanonShape::Type, CanonFeature::Async},
    {"future.new", 0x15, CanonShape::Type, CanonFeature::Async},
    {"future.read", 0x16, CanonShape::TypeOptions, CanonFeature::Async},
    {"future.write", 0x17, CanonShape::TypeOptions, CanonFeature::Async},
    {"future.cancel-read", 0x18, CanonShape::TypeAsync, CanonFeature::Async},
    {"future.cancel-write", 0x19, CanonShape::TypeAsync, CanonFeature::Async},
    {"future.drop-readable", 0x1a, CanonShape::Type, CanonFeature::Async},
    {"future.drop-writable", 0x1b, CanonShape::Type, CanonFeature::Async},
    {"error-context.new", 0x1c, CanonShape::Options, CanonFeature::ErrorContext},
    {"error-context.debug-message", 0x1d, CanonShape::Options, CanonFeature::ErrorContext},
    {"error-context.drop", 0x1e, CanonShape::Plain, CanonFeature::ErrorContext},
    {"waitable-set.new", 0x1f, CanonShape::Plain, CanonFeature::Async},
    {"waitable-set.wait", 0x20, CanonShape::CancelMemory, CanonFeature::Async},
    {"waitable-set.poll", 0x21, CanonShape::CancelMemory, CanonFeature::Async},
    {"waitable-set.drop", 0x22, CanonShape::Plain, CanonFeature::Async},
    {"waitable.join", 0x23, CanonShape::Plain, CanonFeature::Async},
    {"backpressure.inc", 0x24, CanonShape::Plain, CanonFeature::Async},
    {"backpressure.dec", 0x25, CanonShape::Plain, CanonFeature::Async},
    {"thread.index", 0x26, CanonShape::Plain, CanonFeature::Threading},
    {"thread.new-indirect", 0x27, CanonShape::NewIndirect, CanonFeature::Threading},
    {"thread.resume-later", 0x28, CanonShape::Plain, CanonFeature::Threading},
    {"thread.suspend", 0x29, CanonShape::Cancel, CanonFeature::Threading},
    {"thread.suspend-then-resume", 0x2a, CanonShape::Cancel, CanonFeature::Threading},
    {"thread.yield-then-resume", 0x2b, CanonShape::Cancel, CanonFeature::Threading},
    {"thread.suspend-then-promote", 0x2c, CanonShape::Cancel, CanonFeature::Threading},
    {"thread.yield-then-promote", 0x2d, CanonShape::Cancel, CanonFeature::Threading},
    {"thread.spawn-ref", 0x40, CanonShape::SpawnRef, CanonFeature::SharedThreading},
    {"thread.spawn-indirect", 0x41, CanonShape::SpawnIndirect, CanonFeature::SharedThreading},
    {"thread.available-parallelism", 0x42, CanonShape::Shared, CanonFeature::SharedThreading},
};

// The codes of canonical definitions, by name, for the code that treats each one apart.
namespace canon_code {
constexpr uint8_t Lift = 0x00, Lower = 0x01, ResourceNew = 0x02, ResourceDrop = 0x03, ResourceRep = 0x04,
                  TaskCancel = 0x05, SubtaskCancel = 0x06, TaskReturn = 0x09, ContextGet = 0x0a,
                  ContextSet = 0x0b, ThreadYield = 0x0c, SubtaskDrop = 0x0d, StreamNew = 0x0e, StreamRead = 0x0f,
                  StreamWrite = 0x10, StreamCancelRead = 0x11, StreamCancelWrite = 0x12,
                  StreamDropReadable = 0x13, StreamDropWritable = 0x14, FutureNew = 0x15, FutureRead = 0x16,
                  FutureWrite = 0x17, FutureCancelRead = 0x18, FutureCancelWrite = 0x19,
                  FutureDropReadable = 0x1a, FutureDropWritable = 0x1b, ErrorContextNew = 0x1c,
                  ErrorContextDebugMessage = 0x1d, ErrorContextDrop = 0x1e, WaitableSetNew = 0x1f,
                  WaitableSetWait = 0x20, WaitableSetPoll = 0x21, WaitableSetDrop = 0x22, WaitableJoin = 0x23,
                  BackpressureInc = 0x24, BackpressureDec = 0x25, ThreadIndex = 0x26, ThreadNewIndirect = 0x27,
                  ThreadResumeLater = 0x28, ThreadSuspend = 0x29, ThreadSuspendThenResume = 0x2a,
                  ThreadYieldThenResume = 0x2b, ThreadSuspendThenPromote = 0x2c, ThreadYieldThenPromote = 0x2d;
}  // namespace canon_code

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
