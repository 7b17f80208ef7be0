// Instruction mnemonics → opcode table rows (runtime/wasm/opcodes.def, the one table of every
// instruction), and the encoding of an opcode.
#pragma once

#include <span>
#include <string_view>

#include "runtime/wasm/opcodes.h"
#include "text/binary_writer.h"

namespace wasmrun::text {

// The rows spelled `name`: usually one; `select`, `ref.test` and `ref.cast` have two encodings.
std::span<const wasm::Op> ops_named(std::string_view name);

// The opcode bytes: one byte, or a prefix byte and a LEB128 sub-opcode (§5.4).
void encode_opcode(BinaryWriter& out, wasm::Op op);

}  // namespace wasmrun::text
