// A parsed WAST script (the spec interpreter's script format, with the component-model and
// 3.0 extensions): module and component definitions, actions and assertions. Produced by
// parse_wast (text/wast_parser.h), consumed by the runner in cli/wast/.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wasmrun::text {

enum class NanPattern : uint8_t { None, Canonical, Arithmetic };
enum class LaneShape : uint8_t { I8x16, I16x8, I32x4, I64x2, F32x4, F64x2 };

struct ComponentValue;

// An argument or an expected result.
struct WastValue {
  enum class Kind : uint8_t {
    I32, I64, F32, F64, V128, FuncRef, ExternRef,
    // 3.0 references: the abstract heap types that have their own `ref.*` form in scripts.
    AnyRef, EqRef, I31Ref, StructRef, ArrayRef, ExnRef,
    HostRef,    // (ref.host N): a host reference in the any hierarchy
    NullRef,    // (ref.null) as a result: any null reference
    Either,     // (either v...): any one of `alternatives`
    Component,  // a component-model value (`str.const`, `record.const`, ...): `component`
  };
  Kind kind = Kind::I32;
  uint64_t bits = 0;                  // I32/I64/F32/F64; ignored when nan != None
  NanPattern nan = NanPattern::None;  // F32/F64 expectations
  LaneShape shape = LaneShape::I32x4; // V128
  uint8_t v128[16] = {};
  NanPattern lane_nan[4] = {};        // V128 float-lane expectations
  // References. `(ref.null ht)` sets is_null and the kind of ht's hierarchy (func, extern, exn,
  // or any for any/eq/i31/struct/array/none). A non-null result pattern without a number
  // (`(ref.func)`, `(ref.struct)`) matches any non-null reference of its kind: any_ref.
  bool is_null = false;
  bool any_ref = false;
  uint32_t ref = 0;                   // (ref.extern N), (ref.host N), (ref.func N)
  std::vector<WastValue> alternatives;            // Either
  std::shared_ptr<const ComponentValue> component;  // Component
};

// A component-model value (component Explainer, value definitions; the test suites' syntax is
// `(u32.const 1)`, `(str.const "x")`, `(record.const (field "a" u8.const 1))`, ...).
struct ComponentValue {
  enum class Kind : uint8_t {
    Bool, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, Char, String,
    List, Record, Tuple, Variant, Enum, Option, Result, Flags,
  };
  Kind kind = Kind::Bool;
  uint64_t bits = 0;  // Bool 0/1, integers as two's complement, F32/F64 bits, Char code point
  std::string text;   // String; the case label of Variant and Enum
  bool present = true;  // Option: some (true) or none; Result: ok (true) or err
  std::vector<std::string> labels;    // Record field labels (parallel to items); Flags set
  std::vector<ComponentValue> items;  // List/Record/Tuple elements; Variant/Option/Result payload
};

struct WastAction {
  enum class Kind : uint8_t { Invoke, Get };
  Kind kind = Kind::Invoke;
  std::optional<std::string> module;  // a named module or instance; the current one when absent
  std::string field;
  std::vector<WastValue> args;
};

struct WastCommand {
  enum class Kind : uint8_t {
    Module, Register, Action, AssertReturn, AssertTrap, AssertExhaustion, AssertInvalid,
    AssertMalformed, AssertUnlinkable, AssertUninstantiable,
    ModuleInstance,   // (module instance $i $def): instantiate a `module definition`
    AssertException,  // (assert_exception action): the action throws an uncaught exception
  };
  static constexpr size_t kKinds = size_t(Kind::AssertException) + 1;

  Kind kind = Kind::Module;
  uint32_t line = 0;
  std::optional<std::string> name;      // Module: its $name; Register: the module to register;
                                        // ModuleInstance: the instance's $name
  std::vector<uint8_t> binary;          // module-carrying commands, when encoded
  bool text_module = false;             // the module was given as quoted text (`module quote`)
  bool binary_module = false;           // the module was given as bytes (`module binary`)
  std::string text_error;               // the module's text failed to parse or encode: why
  bool component = false;               // a component (or an action on a component instance)
  bool definition = false;              // `module definition`: validated, instantiated later
  std::optional<std::string> instance_of;  // ModuleInstance: the definition (the last when absent)
  std::string text;                     // expected message (assert_*)
  std::string register_as;              // Register
  WastAction action;                    // Action and the assertions on actions
  std::vector<WastValue> expected;      // AssertReturn
};

struct WastScript {
  std::string file;
  std::vector<WastCommand> commands;
};

const char* to_string(WastCommand::Kind kind);

}  // namespace wasmrun::text
