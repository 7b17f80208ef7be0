#include "wasmrun/externs.h"

#include <fmt/format.h>

#include <cstring>

#include "api/conversions.h"
#include "runtime/vm/instance.h"
#include "runtime/vm/invoke.h"
#include "wasmrun/typed_func.h"

namespace wasmrun {

namespace {

// A funcref the embedder passes in must be a function of the store it goes into, as Wasmtime
// checks a Func's store: one of another store would run code and state that store owns, and
// may have freed.
Expected<void> check_func_ref(vm::Store& store, const Val& value) {
  if (value.type() != ValType::FuncRef || !value.ref()) return {};
  if (store.owns_func_ref(static_cast<const vm::VMFuncRef*>(value.ref()))) return {};
  return Error{"the funcref belongs to another store"};
}

}  // namespace

std::string to_string(const FuncType& type) {
  auto list = [](const std::vector<ValType>& types) {
    std::string s;
    for (ValType t : types) s += fmt::format("{}{}", s.empty() ? "" : " ", to_string(t));
    return "[" + s + "]";
  };
  return list(type.params) + " -> " + list(type.results);
}

Expected<void> detail::check_signature(const FuncType& actual, const FuncType& wanted) {
  if (actual == wanted) return {};
  return Error{fmt::format("type mismatch: the function has type {}, the C++ signature asks for {}", to_string(actual),
                           to_string(wanted))};
}

// Func

Expected<Func> Func::create(Store& store, const FuncType& type, HostFunction f) {
  // vm::HostCallback is copyable; the move-only callable lives behind a shared pointer.
  auto shared = std::make_shared<HostFunction>(std::move(f));
  vm::HostCallback callback = [shared](vm::Caller& c, std::span<vm::VMValue> values) {
    Caller caller(c);
    static_assert(sizeof(RawValue) == sizeof(vm::VMValue) && alignof(RawValue) == alignof(vm::VMValue));
    return (*shared)(caller, {reinterpret_cast<RawValue*>(values.data()), values.size()});
  };
  auto made = store.impl().create_host_func(api::to_wasm(type), std::move(callback));
  if (!made) return made.error();
  return Func(store.ref(), *made);
}

FuncType Func::type() const {
  store_.get_or_abort("function");
  return api::from_wasm(*impl_->type);
}

Expected<void> Func::call_raw(std::span<RawValue> values) const {
  auto store = store_.get("function");
  if (!store) return store.error();
  return vm::invoke(**store, impl_, {reinterpret_cast<vm::VMValue*>(values.data()), values.size()});
}

Expected<std::vector<Val>> Func::call(std::span<const Val> args) const {
  auto store = store_.get("function");
  if (!store) return store.error();
  const wasm::FuncType& t = *impl_->type;
  if (args.size() != t.params.size())
    return Error{fmt::format("the function takes {} arguments, {} were given", t.params.size(), args.size())};
  for (size_t i = 0; i < args.size(); ++i)
    if (api::to_wasm(args[i].type()) != t.params[i])
      return Error{fmt::format("argument {} is {}, the function expects {}", i, to_string(args[i].type()),
                               wasm::to_string(t.params[i]))};
  for (const Val& a : args) {
    if (auto ok = check_func_ref(**store, a); !ok) return ok.error();
  }
  std::vector<RawValue> values(std::max<size_t>({t.params.size(), t.results.size(), 1}));
  for (size_t i = 0; i < args.size(); ++i) values[i] = args[i].raw();
  if (auto ok = call_raw(values); !ok) return ok.error();
  std::vector<Val> results;
  for (size_t i = 0; i < t.results.size(); ++i) results.push_back(Val::from_raw(api::from_wasm(t.results[i]), values[i]));
  return results;
}

// Memory

uint8_t* Memory::data() const { return store_.get_or_null() ? impl_->base() : nullptr; }
std::span<uint8_t> Memory::view() const {
  if (!store_.get_or_null()) return {};
  return {impl_->base(), size_t(impl_->size_bytes())};
}
uint64_t Memory::size_bytes() const { return store_.get_or_null() ? impl_->size_bytes() : 0; }
uint64_t Memory::size_pages() const { return store_.get_or_null() ? impl_->size_pages() : 0; }

namespace {
Expected<void> check_range(const detail::StoreRef& store, const vm::LinearMemory* m, uint64_t offset, uint64_t size) {
  if (auto s = store.get("memory"); !s) return s.error();
  if (offset > m->size_bytes() || size > m->size_bytes() - offset)
    return Error{fmt::format("out of bounds memory access: {} bytes at offset {}, the memory has {} bytes", size,
                             offset, m->size_bytes())};
  return {};
}
}  // namespace

Expected<void> Memory::read(uint64_t offset, std::span<uint8_t> out) const {
  if (auto ok = check_range(store_, impl_, offset, out.size()); !ok) return ok;
  if (!out.empty()) std::memcpy(out.data(), impl_->base() + offset, out.size());
  return {};
}

Expected<void> Memory::write(uint64_t offset, std::span<const uint8_t> bytes) const {
  if (auto ok = check_range(store_, impl_, offset, bytes.size()); !ok) return ok;
  if (!bytes.empty()) std::memcpy(impl_->base() + offset, bytes.data(), bytes.size());
  return {};
}

Expected<uint64_t> Memory::grow(uint64_t pages) const {
  if (auto s = store_.get("memory"); !s) return s.error();
  int64_t old = impl_->grow(pages);
  if (old < 0) return Error{fmt::format("cannot grow the memory by {} pages from {}", pages, impl_->size_pages())};
  return uint64_t(old);
}

// Table

uint32_t Table::size() const { return store_.get_or_null() ? impl_->size() : 0; }
ValType Table::element_type() const {
  store_.get_or_abort("table");
  return api::from_wasm(impl_->type().element);
}

Expected<Val> Table::get(uint32_t index) const {
  if (auto s = store_.get("table"); !s) return s.error();
  if (index >= impl_->size()) return Error{fmt::format("table index {} is out of bounds (size {})", index, impl_->size())};
  RawValue r;
  r.set(impl_->get(index));
  return Val::from_raw(element_type(), r);
}

Expected<void> Table::set(uint32_t index, const Val& value) const {
  auto s = store_.get("table");
  if (!s) return s.error();
  if (auto ok = check_func_ref(**s, value); !ok) return ok.error();
  if (value.type() != element_type())
    return Error{fmt::format("a table of {} cannot hold a {}", to_string(element_type()), to_string(value.type()))};
  if (index >= impl_->size()) return Error{fmt::format("table index {} is out of bounds (size {})", index, impl_->size())};
  impl_->set(index, value.ref());
  return {};
}

Expected<uint32_t> Table::grow(uint32_t delta, const Val& init) const {
  auto s = store_.get("table");
  if (!s) return s.error();
  if (init.type() != element_type())
    return Error{fmt::format("a table of {} cannot hold a {}", to_string(element_type()), to_string(init.type()))};
  if (auto ok = check_func_ref(**s, init); !ok) return ok.error();
  int64_t old = impl_->grow(delta, init.ref());
  if (old < 0) return Error{fmt::format("cannot grow the table by {} from {}", delta, impl_->size())};
  return uint32_t(old);
}

// Global

Expected<Global> Global::create(Store& store, ValType type, bool is_mutable, const Val& value) {
  if (value.type() != type)
    return Error{fmt::format("a global of {} cannot hold a {}", to_string(type), to_string(value.type()))};
  if (auto ok = check_func_ref(store.impl(), value); !ok) return ok.error();
  vm::GlobalInstance* g = store.impl().create_global({api::to_wasm(type), is_mutable});
  std::memcpy(g->cell, value.raw().bytes, 16);
  return Global(store.ref(), g);
}

ValType Global::type() const {
  store_.get_or_abort("global");
  return api::from_wasm(impl_->type.type);
}
bool Global::is_mutable() const {
  store_.get_or_abort("global");
  return impl_->type.is_mutable;
}

Expected<Val> Global::get() const {
  if (auto s = store_.get("global"); !s) return s.error();
  RawValue r;
  std::memcpy(r.bytes, impl_->cell, 16);
  return Val::from_raw(type(), r);
}

Expected<void> Global::set(const Val& value) const {
  auto s = store_.get("global");
  if (!s) return s.error();
  if (auto ok = check_func_ref(**s, value); !ok) return ok.error();
  if (!is_mutable()) return Error{"the global is immutable"};
  if (value.type() != type())
    return Error{fmt::format("the global holds {}, not {}", to_string(type()), to_string(value.type()))};
  std::memcpy(impl_->cell, value.raw().bytes, 16);
  return {};
}

// Caller

Store& Caller::store() const { return *Store::from(impl_.store); }

std::optional<Extern> Caller::get_export(std::string_view name) const {
  if (!impl_.instance) return std::nullopt;
  auto e = impl_.instance->find_export(name);
  if (!e) return std::nullopt;
  return api::from_vm(*e, store().ref());
}

void Caller::exit(uint32_t status) { impl_.exit_status = status; }

std::optional<Memory> Caller::get_memory(std::string_view name) const {
  auto e = get_export(name);
  if (!e || !std::holds_alternative<Memory>(*e)) return std::nullopt;
  return std::get<Memory>(*e);
}

}  // namespace wasmrun
