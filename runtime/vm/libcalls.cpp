#include "runtime/vm/libcalls.h"

#include <cstring>
#include <exception>
#include <string>

#include "runtime/vm/const_eval.h"
#include "runtime/vm/fiber.h"
#include "runtime/vm/instance.h"
#include "runtime/vm/trap.h"

using wasmrun::vm::Instance;
using wasmrun::vm::TrapCode;
using wasmrun::vm::VMContext;

namespace {

// Bulk operations check the whole range before touching anything (bulk memory proposal: a
// failing copy or fill writes nothing).
inline bool out_of_range(uint64_t offset, uint64_t n, uint64_t size) { return offset + n > size; }

// How a failing host function is named in its trap: by the import through which the calling
// instance reached it, as in `host function "env" "log"`; without one (a call through a table of
// another module, or from the host) just "host function".
std::string host_function_name(const Instance* calling, const wasmrun::vm::FuncInstance* f) {
  if (calling) {
    const wasmrun::wasm::Module& m = calling->module->module;
    uint32_t func = 0;
    for (const wasmrun::wasm::Import& im : m.imports) {
      if (im.kind != wasmrun::wasm::ExternKind::Func) continue;
      if (func < calling->func_refs.size() && calling->func_refs[func] == &f->ref)
        return "host function \"" + im.module + "\" \"" + im.name + "\"";
      ++func;
    }
  }
  return "host function";
}

}  // namespace

extern "C" {

void wasmrun_trap(uint32_t code, void* frame) {
  wasmrun::vm::raise_trap(TrapCode(code), reinterpret_cast<uintptr_t>(__builtin_return_address(0)),
                          reinterpret_cast<uintptr_t>(frame));
}

void wasmrun_trap_uninitialized_element(uint32_t index, void* frame) {
  wasmrun::vm::raise_uninitialized_element(index, reinterpret_cast<uintptr_t>(__builtin_return_address(0)),
                                           reinterpret_cast<uintptr_t>(frame));
}

int32_t wasmrun_memory_grow(VMContext* vmctx, uint32_t memory, uint32_t delta_pages) {
  return int32_t(Instance::from(vmctx)->memories[memory]->grow(delta_pages));
}

void wasmrun_memory_init(VMContext* vmctx, uint32_t memory, uint32_t segment, uint32_t dst, uint32_t src, uint32_t n) {
  Instance* inst = Instance::from(vmctx);
  const wasmrun::wasm::Module& m = inst->module->module;
  const wasmrun::wasm::DataSegment& s = m.datas[segment];
  // Active segments are dropped once instantiation has applied them (§4.5.4 step 13).
  bool dropped = inst->dropped_datas[segment] || s.mode != wasmrun::wasm::SegmentMode::Passive;
  uint64_t available = dropped ? 0 : s.bytes.size();
  wasmrun::vm::LinearMemory* mem = inst->memories[memory];
  if (out_of_range(src, n, available) || out_of_range(dst, n, mem->size_bytes()))
    wasmrun::vm::raise_trap(TrapCode::MemoryOutOfBounds);
  std::memcpy(mem->base() + dst, m.data(s.bytes) + src, n);
}

void wasmrun_data_drop(VMContext* vmctx, uint32_t segment) { Instance::from(vmctx)->dropped_datas[segment] = true; }

int32_t wasmrun_table_grow(VMContext* vmctx, uint32_t table, void* init, uint32_t delta) {
  return int32_t(Instance::from(vmctx)->tables[table]->grow(delta, init));
}

void wasmrun_table_fill(VMContext* vmctx, uint32_t table, uint32_t i, void* value, uint32_t n) {
  wasmrun::vm::Table* t = Instance::from(vmctx)->tables[table];
  if (out_of_range(i, n, t->size())) wasmrun::vm::raise_trap(TrapCode::TableOutOfBounds);
  for (uint32_t k = 0; k < n; ++k) t->set(i + k, value);
}

void wasmrun_table_copy(VMContext* vmctx, uint32_t dst_table, uint32_t src_table, uint32_t dst, uint32_t src,
                        uint32_t n) {
  Instance* inst = Instance::from(vmctx);
  wasmrun::vm::Table* d = inst->tables[dst_table];
  wasmrun::vm::Table* s = inst->tables[src_table];
  if (out_of_range(src, n, s->size()) || out_of_range(dst, n, d->size()))
    wasmrun::vm::raise_trap(TrapCode::TableOutOfBounds);
  // Overlapping ranges copy as if through a temporary (memmove semantics).
  if (dst <= src) {
    for (uint32_t k = 0; k < n; ++k) d->set(dst + k, s->get(src + k));
  } else {
    for (uint32_t k = n; k-- > 0;) d->set(dst + k, s->get(src + k));
  }
}

void wasmrun_table_init(VMContext* vmctx, uint32_t table, uint32_t segment, uint32_t dst, uint32_t src, uint32_t n) {
  Instance* inst = Instance::from(vmctx);
  const wasmrun::wasm::ElemSegment& s = inst->module->module.elems[segment];
  // Active and declarative segments are dropped by instantiation (§4.5.4 steps 11-12).
  bool dropped = inst->dropped_elems[segment] || s.mode != wasmrun::wasm::SegmentMode::Passive;
  uint64_t available = dropped ? 0 : s.size();
  wasmrun::vm::Table* t = inst->tables[table];
  if (out_of_range(src, n, available) || out_of_range(dst, n, t->size()))
    wasmrun::vm::raise_trap(TrapCode::TableOutOfBounds);
  for (uint32_t k = 0; k < n; ++k) t->set(dst + k, wasmrun::vm::elem_ref(*inst, s, src + k));
}

void wasmrun_elem_drop(VMContext* vmctx, uint32_t segment) { Instance::from(vmctx)->dropped_elems[segment] = true; }

void* wasmrun_table_lazy_get(VMContext* vmctx, uint32_t table, uint32_t index) {
  return Instance::from(vmctx)->tables[table]->get(index);
}

void wasmrun_table_set_null(VMContext* vmctx, uint32_t table, uint32_t index) {
  Instance::from(vmctx)->tables[table]->set(index, nullptr);
}

wasmrun::vm::VMFuncRef* wasmrun_ref_func(VMContext* vmctx, uint32_t func_index) {
  return Instance::from(vmctx)->func_ref(func_index);
}

void wasmrun_epoch_reached(VMContext* vmctx, void* frame) {
  (void)vmctx;
  // With the interrupted code's frame, so the trap names where the guest was.
  wasmrun::vm::raise_trap(TrapCode::Interrupted, reinterpret_cast<uintptr_t>(__builtin_return_address(0)),
                          reinterpret_cast<uintptr_t>(frame));
}

void wasmrun_host_call(VMContext* callee, VMContext* caller, wasmrun::vm::VMValue* values, void* stub_frame) {
  auto* f = reinterpret_cast<wasmrun::vm::FuncInstance*>(callee);
  std::string error;
  std::optional<uint32_t> exit_status;
  TrapCode code = TrapCode::HostError;
  {
    Instance* calling = caller ? Instance::from(caller) : nullptr;
    wasmrun::vm::Caller c{calling ? *calling->store : *f->store, calling, std::nullopt};
    size_t slots = std::max(f->type->params.size(), f->type->results.size());
    try {
      auto result = f->host(c, {values, slots});
      if (!result) {
        error = host_function_name(calling, f) + ": " + result.error().message;
        // A canonical ABI built-in's trap keeps its code (component::TrapCode is structure the
        // embedder reads); every other failure is a host error.
        if (const auto& t = result.error().trap; t && is_canonical_abi(t->code)) code = t->code;
      }
    } catch (const std::exception& e) {
      error = host_function_name(calling, f) + " threw: " + e.what();
    } catch (...) {
      error = host_function_name(calling, f) + " threw an exception";
    }
    exit_status = c.exit_status;
  }
  // A fiber being destroyed woke its waiting host function to unwind: the guest must not go on.
  if (error.empty() && !exit_status && wasmrun::vm::Fiber::current() && wasmrun::vm::Fiber::current()->cancelling())
    error = host_function_name(caller ? Instance::from(caller) : nullptr, f) + ": the guest's fiber was cancelled";
  if (exit_status) {
    std::string().swap(error);  // free any message: the jump skips this frame's destructors
    wasmrun::vm::raise_exit(*exit_status);
  }
  // Everything the callback owned is destroyed; `error` gives up its buffer to the trap.
  if (!error.empty()) wasmrun::vm::raise_host_error(std::move(error), reinterpret_cast<uintptr_t>(stub_frame), code);
}

}  // extern "C"

namespace wasmrun::vm {

std::vector<std::pair<std::string_view, void*>> libcall_symbols() {
  return {
      {"wasmrun_trap", reinterpret_cast<void*>(&wasmrun_trap)},
      {"wasmrun_trap_uninitialized_element", reinterpret_cast<void*>(&wasmrun_trap_uninitialized_element)},
      {"wasmrun_memory_grow", reinterpret_cast<void*>(&wasmrun_memory_grow)},
      {"wasmrun_memory_init", reinterpret_cast<void*>(&wasmrun_memory_init)},
      {"wasmrun_data_drop", reinterpret_cast<void*>(&wasmrun_data_drop)},
      {"wasmrun_table_grow", reinterpret_cast<void*>(&wasmrun_table_grow)},
      {"wasmrun_table_fill", reinterpret_cast<void*>(&wasmrun_table_fill)},
      {"wasmrun_table_copy", reinterpret_cast<void*>(&wasmrun_table_copy)},
      {"wasmrun_table_init", reinterpret_cast<void*>(&wasmrun_table_init)},
      {"wasmrun_elem_drop", reinterpret_cast<void*>(&wasmrun_elem_drop)},
      {"wasmrun_ref_func", reinterpret_cast<void*>(&wasmrun_ref_func)},
      {"wasmrun_table_lazy_get", reinterpret_cast<void*>(&wasmrun_table_lazy_get)},
      {"wasmrun_table_set_null", reinterpret_cast<void*>(&wasmrun_table_set_null)},
      {"wasmrun_epoch_reached", reinterpret_cast<void*>(&wasmrun_epoch_reached)},
      {"wasmrun_host_call", reinterpret_cast<void*>(&wasmrun_host_call)},
  };
}

}  // namespace wasmrun::vm
