#include "wasmrun/externs.h"

#include <fmt/format.h>

#include "api/conversions.h"
#include "runtime/vm/instance.h"
#include "runtime/vm/invoke.h"
#include "wasmrun/typed_func.h"

namespace wasmrun {

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
  vm::HostCallback callback = [f = std::move(f)](vm::Caller& c, std::span<vm::VMValue> values) {
    Caller caller(c);
    static_assert(sizeof(RawValue) == sizeof(vm::VMValue) && alignof(RawValue) == alignof(vm::VMValue));
    return f(caller, {reinterpret_cast<RawValue*>(values.data()), values.size()});
  };
  auto made = store.impl().create_host_func(api::to_wasm(type), std::move(callback));
  if (!made) return made.error();
  return Func(*made);
}

FuncType Func::type() const { return api::from_wasm(*impl_->type); }

Expected<void> Func::call_raw(std::span<RawValue> values) const {
  return vm::invoke(*impl_->store, impl_, {reinterpret_cast<vm::VMValue*>(values.data()), values.size()});
}

Expected<std::vector<Val>> Func::call(std::span<const Val> args) const {
  const wasm::FuncType& t = *impl_->type;
  if (args.size() != t.params.size())
    return Error{fmt::format("the function takes {} arguments, {} were given", t.params.size(), args.size())};
  for (size_t i = 0; i < args.size(); ++i)
    if (api::to_wasm(args[i].type()) != t.params[i])
      return Error{fmt::format("argument {} is {}, the function expects {}", i, to_string(args[i].type()),
                               wasm::to_string(t.params[i]))};
  std::vector<RawValue> values(std::max<size_t>({t.params.size(), t.results.size(), 1}));
  for (size_t i = 0; i < args.size(); ++i) values[i] = args[i].raw();
  if (auto ok = call_raw(values); !ok) return ok.error();
  std::vector<Val> results;
  for (size_t i = 0; i < t.results.size(); ++i) results.push_back(Val::from_raw(api::from_wasm(t.results[i]), values[i]));
  return results;
}

// Memory

uint8_t* Memory::data() const { return impl_->base(); }
uint64_t Memory::size_bytes() const { return impl_->size_bytes(); }
uint64_t Memory::size_pages() const { return impl_->size_pages(); }

Expected<uint64_t> Memory::grow(uint64_t pages) const {
  int64_t old = impl_->grow(pages);
  if (old < 0) return Error{fmt::format("cannot grow the memory by {} pages from {}", pages, impl_->size_pages())};
  return uint64_t(old);
}

// Table

uint32_t Table::size() const { return impl_->size(); }
ValType Table::element_type() const { return api::from_wasm(impl_->type().element); }

Expected<Val> Table::get(uint32_t index) const {
  if (index >= impl_->size()) return Error{fmt::format("table index {} is out of bounds (size {})", index, impl_->size())};
  return Val::from_raw(element_type(), [&] {
    RawValue r;
    r.set(impl_->get(index));
    return r;
  }());
}

Expected<void> Table::set(uint32_t index, const Val& value) const {
  if (value.type() != element_type())
    return Error{fmt::format("a table of {} cannot hold a {}", to_string(element_type()), to_string(value.type()))};
  if (index >= impl_->size()) return Error{fmt::format("table index {} is out of bounds (size {})", index, impl_->size())};
  impl_->set(index, value.ref());
  return {};
}

Expected<uint32_t> Table::grow(uint32_t delta, const Val& init) const {
  int64_t old = impl_->grow(delta, init.ref());
  if (old < 0) return Error{fmt::format("cannot grow the table by {} from {}", delta, impl_->size())};
  return uint32_t(old);
}

// Global

Global Global::create(Store& store, ValType type, bool is_mutable, const Val& value) {
  vm::GlobalInstance* g = store.impl().create_global({api::to_wasm(type), is_mutable});
  std::memcpy(g->cell, value.raw().bytes, 16);
  return Global(g);
}

ValType Global::type() const { return api::from_wasm(impl_->type.type); }
bool Global::is_mutable() const { return impl_->type.is_mutable; }

Val Global::get() const {
  RawValue r;
  std::memcpy(r.bytes, impl_->cell, 16);
  return Val::from_raw(type(), r);
}

Expected<void> Global::set(const Val& value) const {
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
  return api::from_vm(*e);
}

std::optional<Memory> Caller::get_memory(std::string_view name) const {
  auto e = get_export(name);
  if (!e || !std::holds_alternative<Memory>(*e)) return std::nullopt;
  return std::get<Memory>(*e);
}

}  // namespace wasmrun
