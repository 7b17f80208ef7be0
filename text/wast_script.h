// A parsed WAST script (the spec interpreter's script format): module definitions, actions and
// assertions. Produced by a script reader, consumed by the runner in cli/wast/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wasmrun::text {

enum class NanPattern : uint8_t { None, Canonical, Arithmetic };
enum class LaneShape : uint8_t { I8x16, I16x8, I32x4, I64x2, F32x4, F64x2 };

// An argument or an expected result.
struct WastValue {
  enum class Kind : uint8_t { I32, I64, F32, F64, V128, FuncRef, ExternRef };
  Kind kind = Kind::I32;
  uint64_t bits = 0;                  // I32/I64/F32/F64; ignored when nan != None
  NanPattern nan = NanPattern::None;  // F32/F64 expectations
  LaneShape shape = LaneShape::I32x4; // V128
  uint8_t v128[16] = {};
  NanPattern lane_nan[4] = {};        // V128 float-lane expectations
  bool is_null = false;               // FuncRef/ExternRef
  uint32_t ref = 0;                   // ExternRef host reference (ref.extern N)
};

struct WastAction {
  enum class Kind : uint8_t { Invoke, Get };
  Kind kind = Kind::Invoke;
  std::optional<std::string> module;  // a named module; the current one when absent
  std::string field;
  std::vector<WastValue> args;
};

struct WastCommand {
  enum class Kind : uint8_t {
    Module, Register, Action, AssertReturn, AssertTrap, AssertExhaustion, AssertInvalid,
    AssertMalformed, AssertUnlinkable, AssertUninstantiable,
  };
  Kind kind = Kind::Module;
  uint32_t line = 0;
  std::optional<std::string> name;      // Module: its $name; Register: the module to register
  std::vector<uint8_t> binary;          // module-carrying commands, when in binary form
  bool text_module = false;             // the module is only available as text (`module quote`)
  std::string text;                     // expected message (assert_*), or the text module
  std::string register_as;              // Register
  WastAction action;                    // Action, AssertReturn, AssertTrap, AssertExhaustion
  std::vector<WastValue> expected;      // AssertReturn
};

struct WastScript {
  std::string file;
  std::vector<WastCommand> commands;
};

const char* to_string(WastCommand::Kind kind);

}  // namespace wasmrun::text
