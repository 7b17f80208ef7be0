#include "canonical_abi/instance.h"

#include <fmt/format.h>

namespace wasmrun::canon {

uint32_t HandleTable::add(const ResourceHandle& h) {
  if (!free_.empty()) {
    uint32_t i = free_.back();
    free_.pop_back();
    entries_[i] = h;
    return i;
  }
  uint32_t i = uint32_t(entries_.size());
  if (i > max_length_) {
    raise(TrapCode::TableFull, fmt::format("cannot allocate another handle: the table holds its maximum of {} handles", max_length_));
  }
  entries_.push_back(h);
  return i;
}

ResourceHandle& HandleTable::get(uint32_t index) {
  if (index >= entries_.size() || !entries_[index].live()) {
    raise(TrapCode::UnknownHandle, fmt::format("unknown handle index {}", index));
  }
  return entries_[index];
}

ResourceHandle HandleTable::remove(uint32_t index) {
  ResourceHandle h = get(index);
  entries_[index] = ResourceHandle{};
  free_.push_back(index);
  return h;
}

namespace {

bool is_ancestor_or_self(const Instance* a, const Instance* of) {
  for (const Instance* i = of; i; i = i->parent) {
    if (i == a) return true;
  }
  return false;
}

}  // namespace

bool may_enter_from(const Instance& callee, const Instance* caller) {
  for (const Instance* i = &callee; i; i = i->parent) {
    if (is_ancestor_or_self(i, caller)) continue;
    if (!i->may_enter) return false;
  }
  return true;
}

bool may_call(const Instance& callee, const Instance* caller) {
  if (caller && (is_ancestor_or_self(&callee, caller) || is_ancestor_or_self(caller, &callee))) return false;
  return may_enter_from(callee, caller);
}

void set_entered(Instance& callee, const Instance* caller, bool entered) {
  for (Instance* i = &callee; i; i = i->parent) {
    if (is_ancestor_or_self(i, caller)) continue;
    i->may_enter = !entered;
  }
}

void raise_wrong_type(uint32_t index, const ResourceType& expected, const ResourceType& found) {
  auto definer = [](const ResourceType& t) { return t.impl ? "guest-defined" : "host-defined"; };
  raise(TrapCode::WrongHandleType,
        fmt::format("handle index {} used with the wrong type, expected {} resource but found a different {} resource",
                    index, definer(expected), definer(found)));
}

}  // namespace wasmrun::canon
