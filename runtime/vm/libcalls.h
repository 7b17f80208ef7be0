// Functions JIT code calls for what it does not inline: traps, growing and bulk operations on
// tables and memories, epoch interruption, host calls. Plain C ABI; the JIT resolves them by
// name through libcall_symbols().
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/vm/vmcontext.h"

extern "C" {
// `frame` is the trapping JIT function's frame address (its saved-frame-pointer chain starts there).
[[noreturn]] void wasmrun_trap(uint32_t code, void* frame);
[[noreturn]] void wasmrun_trap_uninitialized_element(uint32_t index, void* frame);
int32_t wasmrun_memory_grow(wasmrun::vm::VMContext* vmctx, uint32_t memory, uint32_t delta_pages);
void wasmrun_memory_init(wasmrun::vm::VMContext* vmctx, uint32_t memory, uint32_t segment, uint32_t dst, uint32_t src,
                         uint32_t n);
void wasmrun_data_drop(wasmrun::vm::VMContext* vmctx, uint32_t segment);
int32_t wasmrun_table_grow(wasmrun::vm::VMContext* vmctx, uint32_t table, void* init, uint32_t delta);
void wasmrun_table_fill(wasmrun::vm::VMContext* vmctx, uint32_t table, uint32_t i, void* value, uint32_t n);
void wasmrun_table_copy(wasmrun::vm::VMContext* vmctx, uint32_t dst_table, uint32_t src_table, uint32_t dst,
                        uint32_t src, uint32_t n);
void wasmrun_table_init(wasmrun::vm::VMContext* vmctx, uint32_t table, uint32_t segment, uint32_t dst, uint32_t src,
                        uint32_t n);
void wasmrun_elem_drop(wasmrun::vm::VMContext* vmctx, uint32_t segment);
// A null element loaded by call_indirect or table.get: what it is once lazy initialisation has
// had its say (still null for a null element). A null stored by table.set.
void* wasmrun_table_lazy_get(wasmrun::vm::VMContext* vmctx, uint32_t table, uint32_t index);
void wasmrun_table_set_null(wasmrun::vm::VMContext* vmctx, uint32_t table, uint32_t index);
// ref.func of a defined function whose record is not made yet (instantiation leaves them null).
wasmrun::vm::VMFuncRef* wasmrun_ref_func(wasmrun::vm::VMContext* vmctx, uint32_t func_index);
void wasmrun_epoch_reached(wasmrun::vm::VMContext* vmctx, void* frame);
void wasmrun_host_call(wasmrun::vm::VMContext* callee, wasmrun::vm::VMContext* caller, wasmrun::vm::VMValue* values,
                       void* stub_frame);
}

namespace wasmrun::vm {

std::vector<std::pair<std::string_view, void*>> libcall_symbols();

}  // namespace wasmrun::vm
