#include "tests/fuzz/differential/module_generator.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <map>
#include <optional>
#include <random>

#include "runtime/wasm/opcodes.h"
#include "support/leb128.h"

namespace wasmrun::fuzz {

const char* to_string(VT type) {
  switch (type) {
    case VT::I32: return "i32";
    case VT::I64: return "i64";
    case VT::F32: return "f32";
    case VT::F64: return "f64";
    case VT::V128: return "v128";
    case VT::FuncRef: return "funcref";
    case VT::ExternRef: return "externref";
  }
  return "?";
}

namespace {

using Bytes = std::vector<uint8_t>;
constexpr VT kAllTypes[] = {VT::I32, VT::I64, VT::F32, VT::F64, VT::V128, VT::FuncRef, VT::ExternRef};
constexpr VT kNumberTypes[] = {VT::I32, VT::I64, VT::F32, VT::F64};
constexpr uint32_t kFuel = 1000;  // function entries and loop iterations per exported call
constexpr uint32_t kPage = 65536;
constexpr uint32_t kMaxPages = 4;

bool is_number(VT t) { return t == VT::I32 || t == VT::I64 || t == VT::F32 || t == VT::F64; }
bool is_ref(VT t) { return t == VT::FuncRef || t == VT::ExternRef; }

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t next() { return engine_(); }
  uint32_t below(uint32_t n) { return n ? uint32_t(next() % n) : 0; }
  bool chance(uint32_t percent) { return below(100) < percent; }
  template <class T, size_t N>
  T pick(const T (&items)[N]) { return items[below(N)]; }
  template <class T>
  const T& pick(const std::vector<T>& items) { return items[below(uint32_t(items.size()))]; }

 private:
  std::mt19937_64 engine_;
};

// How an instruction's result is made deterministic (see the header).
enum class Canon : uint8_t { none, f32, f64, f32x4, f64x2 };

// An instruction of the opcode table typed by its signature alone ("params:results").
struct TableOp {
  const wasm::OpInfo* info;
  std::vector<char> params;  // i I f F v, a = address
  std::optional<VT> result;
  Canon canon = Canon::none;
};

std::optional<VT> type_of_char(char c) {
  switch (c) {
    case 'i': case 'a': return VT::I32;
    case 'I': return VT::I64;
    case 'f': return VT::F32;
    case 'F': return VT::F64;
    case 'v': return VT::V128;
  }
  return std::nullopt;
}

Canon canon_of(const wasm::OpInfo& op, VT result) {
  std::string_view t = op.text;
  if (result == VT::F32 || result == VT::F64) {
    bool exact = t.ends_with(".neg") || t.ends_with(".abs") || t.ends_with(".copysign") || t.find("load") != t.npos ||
                 t.find("reinterpret") != t.npos || t.find("convert") != t.npos || t.find("extract_lane") != t.npos;
    if (exact) return Canon::none;
    return result == VT::F32 ? Canon::f32 : Canon::f64;
  }
  if (result == VT::V128 && (t.starts_with("f32x4.") || t.starts_with("f64x2."))) {
    for (std::string_view cmp : {".eq", ".ne", ".lt", ".gt", ".le", ".ge"})
      if (t.ends_with(cmp)) return Canon::none;
    return t.starts_with("f32x4.") ? Canon::f32x4 : Canon::f64x2;
  }
  return Canon::none;
}

struct OpTables {
  std::map<VT, std::vector<TableOp>> producing;  // one result of that type
  std::vector<TableOp> effects;                  // no result: stores, memory.fill, nop
};

const OpTables& op_tables() {
  static const OpTables tables = [] {
    OpTables t;
    using wasm::Immediate;
    for (const wasm::OpInfo& op : wasm::kOpInfo) {
      if (op.feature != wasm::Feature::Wasm2 || op.signature == "!") continue;
      Immediate imm = op.immediate;
      if (imm != Immediate::None && imm != Immediate::MemArg && imm != Immediate::Lane && imm != Immediate::MemArgLane &&
          imm != Immediate::Shuffle && imm != Immediate::Mem)
        continue;  // constants are made by the generator itself
      size_t colon = op.signature.find(':');
      TableOp entry{&op, {}, std::nullopt};
      for (char c : op.signature.substr(0, colon)) entry.params.push_back(c);
      std::string_view results = op.signature.substr(colon + 1);
      if (results.size() > 1) continue;
      if (results.size() == 1) {
        entry.result = type_of_char(results[0]);
        entry.canon = canon_of(op, *entry.result);
        t.producing[*entry.result].push_back(entry);
      } else {
        t.effects.push_back(entry);
      }
    }
    return t;
  }();
  return tables;
}

struct Function {
  Signature signature;
  std::vector<VT> locals;  // parameters first
  Bytes body;              // locals declaration included
};

class ModuleBuilder {
 public:
  ModuleBuilder(uint64_t seed, uint32_t size) : rng_(seed), size_(size) {}
  GeneratedModule build();

 private:
  // ---- module-level plan ----
  Signature random_signature(bool for_host);
  uint32_t type_index(const Signature& s);

  // ---- function bodies ----
  void generate_body(uint32_t func);
  void value(VT t, int depth);
  void leaf(VT t);
  void statement(int depth);
  void statements(int depth, uint32_t max);
  void block_value(VT t, int depth);
  void table_op(const TableOp& op, int depth);
  void address(int depth);
  void memarg(uint8_t natural_log2);
  void fuel_check();
  void canonicalize(Canon c);
  void call_args(const Signature& s, int depth);
  void block_type(const Signature& s);
  void constant(VT t);
  void table_index_value(uint32_t table, int depth);
  void indirect_call(uint32_t callee, int depth);
  void loop_condition(int depth);
  uint32_t pick_callee();
  void small_length(int depth);
  std::vector<uint32_t> locals_of(VT t) const;
  uint32_t scratch(VT t) const { return scratch_.at(t); }
  void op(const wasm::OpInfo& info);
  void byte(uint8_t b) { code_->push_back(b); }
  void uleb(uint64_t v) { write_uleb128(*code_, v); }
  void sleb(int64_t v) { write_sleb128(*code_, v); }
  uint32_t label_depth(size_t label) const { return uint32_t(labels_.size() - 1 - label); }

  Rng rng_;
  uint32_t size_;
  std::vector<Signature> types_;
  std::vector<Function> funcs_;  // internal functions, then the exported wrappers
  uint32_t internal_count_ = 0;
  struct Global {
    VT type;
    bool mut;
  };
  std::vector<Global> globals_;  // 0 is the fuel
  uint32_t table_min_[2] = {};
  uint32_t table_max_[2] = {};
  std::vector<Bytes> passive_data_;
  Bytes active_data_;
  uint32_t active_data_offset_ = 0;
  std::vector<uint32_t> passive_elems_;

  // The function being generated.
  Function* current_ = nullptr;
  Bytes* code_ = nullptr;
  std::vector<std::vector<VT>> labels_;  // branch types, innermost last
  std::map<VT, uint32_t> scratch_;
  uint32_t first_scratch_ = 0;  // locals from here on are scratch_'s, never read as values
  int budget_ = 0;
};

Signature ModuleBuilder::random_signature(bool for_host) {
  Signature s;
  auto random_type = [&] {
    if (for_host) return rng_.pick(kNumberTypes);
    return rng_.chance(75) ? rng_.pick(kNumberTypes) : rng_.pick(kAllTypes);
  };
  uint32_t params = rng_.below(5), results = rng_.below(10) < 2 ? 0 : rng_.below(10) < 7 ? 1 : 2 + rng_.below(2);
  for (uint32_t i = 0; i < params; ++i) s.params.push_back(random_type());
  for (uint32_t i = 0; i < results; ++i) s.results.push_back(random_type());
  return s;
}

uint32_t ModuleBuilder::type_index(const Signature& s) {
  for (uint32_t i = 0; i < types_.size(); ++i)
    if (types_[i] == s) return i;
  types_.push_back(s);
  return uint32_t(types_.size() - 1);
}

std::vector<uint32_t> ModuleBuilder::locals_of(VT t) const {
  std::vector<uint32_t> out;
  // A scratch local keeps the raw value canonicalize() replaced (e.g. a NaN with any payload),
  // so reading it as a value would let nondeterministic NaN bits reach memory.
  for (uint32_t i = 0; i < first_scratch_; ++i)
    if (current_->locals[i] == t) out.push_back(i);
  return out;
}

void ModuleBuilder::op(const wasm::OpInfo& info) {
  if (info.prefix) {
    byte(info.prefix);
    uleb(info.code);
  } else {
    byte(uint8_t(info.code));
  }
}

void ModuleBuilder::constant(VT t) {
  switch (t) {
    case VT::I32: {
      static constexpr int32_t kSpecial[] = {0, 1, -1, 2, 7, 8, 16, 31, 32, 255, 65535, 65536, INT32_MIN, INT32_MAX};
      byte(0x41);
      sleb(rng_.chance(50) ? rng_.pick(kSpecial) : rng_.chance(50) ? int32_t(rng_.below(1000)) - 500 : int32_t(rng_.next()));
      return;
    }
    case VT::I64: {
      static constexpr int64_t kSpecial[] = {0, 1, -1, 63, 64, INT64_MIN, INT64_MAX, INT32_MIN, int64_t(UINT32_MAX)};
      byte(0x42);
      sleb(rng_.chance(50) ? rng_.pick(kSpecial) : rng_.chance(50) ? int64_t(rng_.below(1000)) - 500 : int64_t(rng_.next()));
      return;
    }
    case VT::F32: {
      static constexpr uint32_t kSpecial[] = {0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x7f800000, 0xff800000,
                                              0x7f7fffff, 0x00000001, 0x4f000000, 0xcf000000, 0x7fc00000, 0x3effffff};
      uint32_t bits = rng_.chance(50) ? rng_.pick(kSpecial) : uint32_t(rng_.next());
      if ((bits & 0x7f800000) == 0x7f800000 && (bits & 0x7fffff)) bits = 0x7fc00000;  // canonical NaN only
      byte(0x43);
      for (int i = 0; i < 4; ++i) byte(uint8_t(bits >> (8 * i)));
      return;
    }
    case VT::F64: {
      static constexpr uint64_t kSpecial[] = {0, 0x8000000000000000, 0x3ff0000000000000, 0x7ff0000000000000,
                                              0xfff0000000000000, 0x7fefffffffffffff, 1, 0x43e0000000000000,
                                              0xc3e0000000000000, 0x7ff8000000000000, 0x41dfffffffc00000};
      uint64_t bits = rng_.chance(50) ? rng_.pick(kSpecial) : rng_.next();
      if ((bits & 0x7ff0000000000000) == 0x7ff0000000000000 && (bits & 0xfffffffffffff)) bits = 0x7ff8000000000000;
      byte(0x44);
      for (int i = 0; i < 8; ++i) byte(uint8_t(bits >> (8 * i)));
      return;
    }
    case VT::V128: {
      byte(0xfd);
      uleb(12);
      uint64_t a = rng_.next(), b = rng_.next();
      if (rng_.chance(30)) a = b = 0;
      if (rng_.chance(20)) b = a;
      for (int i = 0; i < 8; ++i) byte(uint8_t(a >> (8 * i)));
      for (int i = 0; i < 8; ++i) byte(uint8_t(b >> (8 * i)));
      return;
    }
    case VT::FuncRef:
      byte(0xd0);
      byte(0x70);
      return;
    case VT::ExternRef:
      byte(0xd0);
      byte(0x6f);
      return;
  }
}

void ModuleBuilder::leaf(VT t) {
  uint32_t r = rng_.below(10);
  if (r < 4) {
    auto locals = locals_of(t);
    if (!locals.empty()) {
      byte(0x20);
      uleb(rng_.pick(locals));
      return;
    }
  } else if (r < 5) {
    std::vector<uint32_t> gs;
    for (uint32_t g = 1; g < globals_.size(); ++g)
      if (globals_[g].type == t) gs.push_back(g);
    if (!gs.empty()) {
      byte(0x23);
      uleb(rng_.pick(gs));
      return;
    }
  } else if (r < 6 && t == VT::FuncRef) {
    byte(0xd2);  // ref.func
    uleb(rng_.below(internal_count_));
    return;
  }
  constant(t);
}

// An address: mostly inside the first page, sometimes at the edge of the memory or anywhere.
void ModuleBuilder::address(int depth) {
  uint32_t r = rng_.below(100);
  if (r < 80) {
    byte(0x41);
    sleb(int32_t(rng_.below(kPage - 64)));
  } else if (r < 85) {
    byte(0x41);
    sleb(int32_t(kPage * (1 + rng_.below(kMaxPages)) - rng_.below(24)));
  } else {
    value(VT::I32, depth + 1);
  }
}

void ModuleBuilder::memarg(uint8_t natural_log2) {
  uleb(rng_.below(natural_log2 + 1));  // alignment hint: at most natural
  uint32_t r = rng_.below(100);
  uleb(r < 90 ? rng_.below(33) : r < 97 ? rng_.below(kPage) : 0xfffffff0u + rng_.below(16));
}

void ModuleBuilder::small_length(int depth) {
  if (rng_.chance(90)) {
    byte(0x41);
    sleb(int32_t(rng_.below(rng_.chance(90) ? 64 : 70000)));
  } else {
    value(VT::I32, depth + 1);
  }
}

void ModuleBuilder::table_index_value(uint32_t table, int depth) {
  if (rng_.chance(90)) {
    byte(0x41);
    sleb(int32_t(rng_.below(table_min_[table] + 1)));
  } else {
    value(VT::I32, depth + 1);
  }
}

// Mostly a function defined later (calls then form no cycle), sometimes any: recursion, which
// the fuel ends.
uint32_t ModuleBuilder::pick_callee() {
  uint32_t self = uint32_t(current_ - funcs_.data());
  if (self + 1 < internal_count_ && rng_.chance(90)) return self + 1 + rng_.below(internal_count_ - self - 1);
  return rng_.below(internal_count_);
}

// Whether a loop goes round again: mostly a few more times (while the fuel is not a multiple of
// 2, 4, 8 or 16), so that loops end before the fuel does; sometimes any value.
void ModuleBuilder::loop_condition(int depth) {
  if (rng_.chance(95)) {
    byte(0x23), uleb(0);
    byte(0x41), sleb(int32_t((2u << rng_.below(4)) - 1));
    byte(0x71);  // i32.and
  } else {
    value(VT::I32, depth + 1);
  }
}

// call_indirect with `callee`'s type: mostly through its own slot of table 0 (element i is
// function i until the code changes it), else through any slot of either table.
void ModuleBuilder::indirect_call(uint32_t callee, int depth) {
  uint32_t table = 0;
  if (rng_.chance(75)) {
    byte(0x41), sleb(int32_t(callee));
  } else {
    table = rng_.below(2);
    table_index_value(table, depth);
  }
  byte(0x11), uleb(type_index(funcs_[callee].signature)), uleb(table);
}

// Replaces a NaN on top of the stack by the canonical NaN (wasm-smith's canonicalize_nans).
void ModuleBuilder::canonicalize(Canon c) {
  if (c == Canon::none) return;
  bool scalar = c == Canon::f32 || c == Canon::f64;
  VT t = c == Canon::f32 ? VT::F32 : c == Canon::f64 ? VT::F64 : VT::V128;
  uint32_t s = scratch(t);
  byte(0x21), uleb(s);  // local.set
  if (scalar) {
    if (c == Canon::f32) {
      byte(0x43);
      for (uint8_t b : {0x00, 0x00, 0xc0, 0x7f}) byte(b);
    } else {
      byte(0x44);
      for (uint8_t b : {0, 0, 0, 0, 0, 0, 0xf8, 0x7f}) byte(b);
    }
    byte(0x20), uleb(s);
    byte(0x20), uleb(s);
    byte(0x20), uleb(s);
    byte(c == Canon::f32 ? 0x5c : 0x62);  // fNN.ne: true for NaN only
    byte(0x1b);                            // select(canonical, x, isnan)
    return;
  }
  byte(0xfd), uleb(12);  // v128.const of canonical NaN lanes
  for (int lane = 0; lane < (c == Canon::f32x4 ? 4 : 2); ++lane) {
    if (c == Canon::f32x4) {
      for (uint8_t b : {0x00, 0x00, 0xc0, 0x7f}) byte(b);
    } else {
      for (uint8_t b : {0, 0, 0, 0, 0, 0, 0xf8, 0x7f}) byte(b);
    }
  }
  byte(0x20), uleb(s);
  byte(0x20), uleb(s);
  byte(0x20), uleb(s);
  byte(0xfd), uleb(c == Canon::f32x4 ? 0x42 : 0x48);  // f32x4.ne / f64x2.ne
  byte(0xfd), uleb(0x52);                              // v128.bitselect
}

void ModuleBuilder::table_op(const TableOp& t, int depth) {
  const wasm::OpInfo& info = *t.info;
  if (info.text == "memory.grow") {
    byte(0x41), sleb(int32_t(rng_.below(3)));  // mostly within the maximum
  } else if (info.text == "memory.fill") {
    address(depth);
    value(VT::I32, depth + 1);
    small_length(depth);
  } else {
    for (char p : t.params) {
      if (p == 'a') address(depth);
      else value(*type_of_char(p), depth + 1);
    }
  }
  op(info);
  switch (info.immediate) {
    case wasm::Immediate::MemArg: memarg(info.aux); break;
    case wasm::Immediate::Lane: byte(uint8_t(rng_.below(info.aux))); break;
    case wasm::Immediate::MemArgLane:
      memarg(info.aux);
      byte(uint8_t(rng_.below(16u >> info.aux)));
      break;
    case wasm::Immediate::Shuffle:
      for (int i = 0; i < 16; ++i) byte(uint8_t(rng_.below(32)));
      break;
    case wasm::Immediate::Mem: byte(0x00); break;
    default: break;
  }
  canonicalize(t.canon);
}

void ModuleBuilder::fuel_check() {
  byte(0x23), uleb(0);             // global.get $fuel
  byte(0x45);                      // i32.eqz
  byte(0x04), byte(0x40);          // if
  byte(0x00);                      //   unreachable
  byte(0x0b);                      // end
  byte(0x23), uleb(0);
  byte(0x41), sleb(1);
  byte(0x6b);                      // i32.sub
  byte(0x24), uleb(0);             // global.set $fuel
}

void ModuleBuilder::call_args(const Signature& s, int depth) {
  for (VT p : s.params) value(p, depth + 1);
}

void ModuleBuilder::block_type(const Signature& s) {
  if (s.params.empty() && s.results.empty()) byte(0x40);
  else if (s.params.empty() && s.results.size() == 1) byte(uint8_t(s.results[0]));
  else sleb(type_index(s));
}

// A block, loop or if whose result is one value of type t.
void ModuleBuilder::block_value(VT t, int depth) {
  uint32_t kind = rng_.below(3);
  if (kind == 2) value(VT::I32, depth + 1);  // the if's condition
  byte(kind == 0 ? 0x02 : kind == 1 ? 0x03 : 0x04);
  byte(uint8_t(t));
  labels_.push_back(kind == 1 ? std::vector<VT>{} : std::vector<VT>{t});
  if (kind == 1) fuel_check();
  statements(depth + 1, 3);
  if (kind == 1 && rng_.chance(50)) {  // go round again while a condition holds
    loop_condition(depth);
    byte(0x0d), uleb(0);
  }
  value(t, depth + 1);
  if (kind == 2) {
    byte(0x05);
    statements(depth + 1, 2);
    value(t, depth + 1);
  }
  labels_.pop_back();
  byte(0x0b);
}

void ModuleBuilder::value(VT t, int depth) {
  if (budget_ <= 0 || depth > 7) return leaf(t);
  --budget_;
  const auto& producing = op_tables().producing;
  auto ops = producing.find(t);
  uint32_t r = rng_.below(100);
  if (r < 15) return leaf(t);
  if (r < 55 && ops != producing.end()) return table_op(rng_.pick(ops->second), depth);
  if (r < 62) return block_value(t, depth);
  if (r < 70) {  // a call (or call_indirect) of a function returning t, or of any, its results set aside
    bool indirect = rng_.chance(35);
    uint32_t callee = pick_callee();
    const Signature& s = funcs_[callee].signature;
    call_args(s, depth);
    if (indirect) {
      indirect_call(callee, depth);
    } else {
      byte(0x10), uleb(callee);
    }
    if (s.results.size() == 1 && s.results[0] == t) return;
    for (auto it = s.results.rbegin(); it != s.results.rend(); ++it) byte(0x21), uleb(scratch(*it));
    return leaf(t);
  }
  if (r < 75) {  // local.tee
    auto locals = locals_of(t);
    if (!locals.empty()) {
      value(t, depth + 1);
      byte(0x22), uleb(rng_.pick(locals));
      return;
    }
    return leaf(t);
  }
  if (r < 80) {  // br_if carrying the value out of an enclosing block
    std::vector<size_t> targets;
    for (size_t l = 0; l < labels_.size(); ++l)
      if (labels_[l] == std::vector<VT>{t}) targets.push_back(l);
    if (!targets.empty()) {
      size_t l = rng_.pick(targets);
      value(t, depth + 1);
      value(VT::I32, depth + 1);
      byte(0x0d), uleb(label_depth(l));
      return;
    }
    return leaf(t);
  }
  if (r < 85) {  // select
    value(t, depth + 1);
    value(t, depth + 1);
    value(VT::I32, depth + 1);
    if (is_ref(t) || rng_.chance(30)) byte(0x1c), uleb(1), byte(uint8_t(t));
    else byte(0x1b);
    return;
  }
  if (r < 92) {  // reference and table instructions
    uint32_t table = rng_.below(2);
    if (t == VT::FuncRef) {
      table_index_value(table, depth);
      byte(0x25), uleb(table);  // table.get
      return;
    }
    if (t == VT::I32) {
      switch (rng_.below(3)) {
        case 0:
          value(rng_.chance(50) ? VT::FuncRef : VT::ExternRef, depth + 1);
          byte(0xd1);  // ref.is_null
          return;
        case 1:
          byte(0xfc), uleb(16), uleb(table);  // table.size
          return;
        default:
          value(VT::FuncRef, depth + 1);
          small_length(depth);
          byte(0xfc), uleb(15), uleb(table);  // table.grow
          return;
      }
    }
    return leaf(t);
  }
  // A branch out of the whole function or an enclosing block, or a trap: the rest is dead code,
  // which must still validate (its stack is polymorphic).
  if (rng_.chance(70)) return leaf(t);
  if (rng_.chance(20)) {
    byte(0x00);  // unreachable
    return;
  }
  size_t l = rng_.below(uint32_t(labels_.size()));
  for (VT v : labels_[l]) value(v, depth + 1);
  if (rng_.chance(50)) {
    byte(0x0c), uleb(label_depth(l));  // br
    return;
  }
  std::vector<size_t> same;
  for (size_t k = 0; k < labels_.size(); ++k)
    if (labels_[k] == labels_[l]) same.push_back(k);
  value(VT::I32, depth + 1);
  byte(0x0e);  // br_table
  uint32_t n = rng_.below(4);
  uleb(n);
  for (uint32_t i = 0; i <= n; ++i) uleb(label_depth(rng_.pick(same)));
}

void ModuleBuilder::statements(int depth, uint32_t max) {
  uint32_t n = rng_.below(max + 1);
  for (uint32_t i = 0; i < n && budget_ > 0; ++i) statement(depth);
}

void ModuleBuilder::statement(int depth) {
  --budget_;
  uint32_t r = rng_.below(100);
  if (depth > 6) r = r % 40;  // only straight-line statements deep down
  if (r < 10) {  // drop a value
    VT t = rng_.chance(70) ? rng_.pick(kNumberTypes) : rng_.pick(kAllTypes);
    value(t, depth + 1);
    byte(0x1a);
    return;
  }
  if (r < 22) {  // local.set
    uint32_t local = rng_.below(uint32_t(current_->locals.size()));
    value(current_->locals[local], depth + 1);
    byte(0x21), uleb(local);
    return;
  }
  if (r < 27) {  // global.set
    uint32_t g = 1 + rng_.below(uint32_t(globals_.size() - 1));
    if (!globals_[g].mut) return;
    value(globals_[g].type, depth + 1);
    byte(0x24), uleb(g);
    return;
  }
  if (r < 40) return table_op(rng_.pick(op_tables().effects), depth);
  if (r < 48) {  // call for effect
    uint32_t callee = pick_callee();
    const Signature& s = funcs_[callee].signature;
    call_args(s, depth);
    if (rng_.chance(30)) {
      indirect_call(callee, depth);
    } else {
      byte(0x10), uleb(callee);
    }
    for (size_t i = 0; i < s.results.size(); ++i) byte(0x1a);
    return;
  }
  if (r < 58) {  // a block, loop or if without results, or with a type of several
    Signature type;
    if (rng_.chance(30)) type = random_signature(false);
    uint32_t kind = rng_.below(3);
    for (VT p : type.params) value(p, depth + 1);
    if (kind == 2) value(VT::I32, depth + 1);
    byte(kind == 0 ? 0x02 : kind == 1 ? 0x03 : 0x04);
    block_type(type);
    labels_.push_back(kind == 1 ? type.params : type.results);
    auto body = [&] {
      for (auto it = type.params.rbegin(); it != type.params.rend(); ++it) byte(0x21), uleb(scratch(*it));
      if (kind == 1) fuel_check();
      statements(depth + 1, 4);
      if (kind == 1 && rng_.chance(50)) {
        for (VT p : type.params) value(p, depth + 1);
        loop_condition(depth);
        byte(0x0d), uleb(0);  // continue while the condition holds
        for (auto it = type.params.rbegin(); it != type.params.rend(); ++it) byte(0x21), uleb(scratch(*it));
      }
      for (VT v : type.results) value(v, depth + 1);
    };
    body();
    if (kind == 2 && rng_.chance(70)) {
      byte(0x05);
      body();
    } else if (kind == 2 && !(type.params == type.results)) {
      byte(0x05);  // an if without else must leave its parameters as its results
      body();
    }
    labels_.pop_back();
    byte(0x0b);
    for (size_t i = 0; i < type.results.size(); ++i) byte(0x1a);
    return;
  }
  if (r < 63) {  // br_if without values
    std::vector<size_t> targets;
    for (size_t l = 0; l < labels_.size(); ++l)
      if (labels_[l].empty()) targets.push_back(l);
    if (targets.empty()) return;
    value(VT::I32, depth + 1);
    byte(0x0d), uleb(label_depth(rng_.pick(targets)));
    return;
  }
  if (r < 66) {  // memory.copy
    address(depth);
    address(depth);
    small_length(depth);
    byte(0xfc), uleb(10), byte(0), byte(0);
    return;
  }
  if (r < 70) {  // memory.init, data.drop
    uint32_t seg = rng_.below(uint32_t(passive_data_.size()) + 1);  // 0 is the active one
    if (rng_.chance(15)) {
      byte(0xfc), uleb(9), uleb(seg);
      return;
    }
    const Bytes& data = seg == 0 ? active_data_ : passive_data_[seg - 1];
    address(depth);
    uint32_t from = rng_.below(uint32_t(data.size()) + 2);
    byte(0x41), sleb(int32_t(from));
    byte(0x41), sleb(int32_t(rng_.below(uint32_t(data.size()) + 2 - std::min<uint32_t>(from, uint32_t(data.size())))));
    byte(0xfc), uleb(8), uleb(seg), byte(0);
    return;
  }
  if (r < 78) {  // table.set, table.fill, table.copy, table.init, elem.drop
    uint32_t table = rng_.below(2);
    switch (rng_.below(5)) {
      case 0:
        table_index_value(table, depth);
        value(VT::FuncRef, depth + 1);
        byte(0x26), uleb(table);
        return;
      case 1:
        table_index_value(table, depth);
        value(VT::FuncRef, depth + 1);
        small_length(depth);
        byte(0xfc), uleb(17), uleb(table);
        return;
      case 2: {
        uint32_t source = rng_.below(2);
        table_index_value(table, depth);
        table_index_value(source, depth);
        byte(0x41), sleb(int32_t(rng_.below(6)));
        byte(0xfc), uleb(14), uleb(table), uleb(source);
        return;
      }
      case 3:
        table_index_value(table, depth);
        byte(0x41), sleb(int32_t(rng_.below(uint32_t(passive_elems_.size()) + 2)));
        byte(0x41), sleb(int32_t(rng_.below(4)));
        byte(0xfc), uleb(12), uleb(rng_.chance(80) ? 1 : 0), uleb(table);  // table.init (0 was active)
        return;
      default:
        byte(0xfc), uleb(13), uleb(rng_.below(2));  // elem.drop
        return;
    }
  }
  if (r < 80) {  // return
    for (VT v : current_->signature.results) value(v, depth + 1);
    byte(0x0f);
    return;
  }
  if (r < 82) {  // br or br_table to any label
    size_t l = rng_.below(uint32_t(labels_.size()));
    for (VT v : labels_[l]) value(v, depth + 1);
    if (rng_.chance(50)) {
      byte(0x0c), uleb(label_depth(l));
      return;
    }
    std::vector<size_t> same;
    for (size_t k = 0; k < labels_.size(); ++k)
      if (labels_[k] == labels_[l]) same.push_back(k);
    value(VT::I32, depth + 1);
    byte(0x0e);
    uint32_t n = rng_.below(4);
    uleb(n);
    for (uint32_t i = 0; i <= n; ++i) uleb(label_depth(rng_.pick(same)));
    return;
  }
  if (r < 83) {
    byte(0x00);  // unreachable
    return;
  }
  // A store of a value worth looking at in memory afterwards.
  VT t = rng_.pick(kAllTypes);
  if (is_ref(t)) return;
  address(depth);
  value(t, depth + 1);
  switch (t) {
    case VT::I32: byte(0x36), memarg(2); break;
    case VT::I64: byte(0x37), memarg(3); break;
    case VT::F32: byte(0x38), memarg(2); break;
    case VT::F64: byte(0x39), memarg(3); break;
    default: byte(0xfd), uleb(11), memarg(4); break;  // v128.store
  }
}

void ModuleBuilder::generate_body(uint32_t func) {
  Function& f = funcs_[func];
  current_ = &f;
  f.locals = f.signature.params;
  uint32_t extra = rng_.below(6);
  for (uint32_t i = 0; i < extra; ++i) f.locals.push_back(rng_.chance(70) ? rng_.pick(kNumberTypes) : rng_.pick(kAllTypes));
  scratch_.clear();
  first_scratch_ = uint32_t(f.locals.size());
  for (VT t : kAllTypes) {
    scratch_[t] = uint32_t(f.locals.size());
    f.locals.push_back(t);
  }
  Bytes code;
  code_ = &code;
  // Locals, one entry each (§5.5.13 allows runs; one per local is simplest).
  uleb(f.locals.size() - f.signature.params.size());
  for (size_t i = f.signature.params.size(); i < f.locals.size(); ++i) uleb(1), byte(uint8_t(f.locals[i]));
  labels_ = {f.signature.results};
  budget_ = 2 + int(rng_.below(size_));
  fuel_check();
  statements(0, 8);
  for (VT v : f.signature.results) value(v, 1);
  byte(0x0b);
  f.body = std::move(code);
}

void section(Bytes& module, uint8_t id, const Bytes& content) {
  module.push_back(id);
  write_uleb128(module, content.size());
  module.insert(module.end(), content.begin(), content.end());
}

void name(Bytes& out, std::string_view s) {
  write_uleb128(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

GeneratedModule ModuleBuilder::build() {
  GeneratedModule result;
  // The plan: internal functions (the first callable from the host), globals, tables, segments.
  internal_count_ = 2 + rng_.below(size_ < 20 ? 2 : 7);
  for (uint32_t i = 0; i < internal_count_; ++i) {
    Function f;
    f.signature = random_signature(i == 0 || rng_.chance(50));
    funcs_.push_back(std::move(f));
  }
  globals_.push_back({VT::I32, true});  // fuel
  uint32_t global_count = 2 + rng_.below(6);
  for (uint32_t i = 0; i < global_count; ++i)
    globals_.push_back({rng_.chance(80) ? rng_.pick(kNumberTypes) : rng_.pick(kAllTypes), rng_.chance(80)});
  table_min_[0] = internal_count_ + rng_.below(4);
  table_max_[0] = table_min_[0] + rng_.below(8);
  table_min_[1] = rng_.below(4);
  table_max_[1] = table_min_[1] + 4 + rng_.below(8);
  uint32_t passive = 1 + rng_.below(3);
  for (uint32_t i = 0; i < passive; ++i) {
    Bytes seg(rng_.below(48));
    for (uint8_t& b : seg) b = uint8_t(rng_.next());
    passive_data_.push_back(std::move(seg));
  }
  active_data_.resize(rng_.below(64));
  for (uint8_t& b : active_data_) b = uint8_t(rng_.next());
  active_data_offset_ = rng_.below(kPage - 64);
  uint32_t elems = rng_.below(5);
  for (uint32_t i = 0; i < elems; ++i) passive_elems_.push_back(rng_.below(internal_count_));
  for (uint32_t i = 0; i < internal_count_; ++i) type_index(funcs_[i].signature);

  for (uint32_t i = 0; i < internal_count_; ++i) generate_body(i);

  // Wrappers: refill the fuel, call the internal function.
  for (uint32_t i = 0; i < internal_count_; ++i) {
    const Signature& s = funcs_[i].signature;
    bool host_callable = std::all_of(s.params.begin(), s.params.end(), is_number) &&
                         std::all_of(s.results.begin(), s.results.end(), is_number);
    if (!host_callable) continue;
    Function w;
    w.signature = s;
    Bytes& b = w.body;
    b.push_back(0);  // no locals
    b.push_back(0x41);
    write_sleb128(b, kFuel);
    b.push_back(0x24);
    b.push_back(0);
    for (uint32_t p = 0; p < s.params.size(); ++p) b.push_back(0x20), write_uleb128(b, p);
    b.push_back(0x10);
    write_uleb128(b, i);
    b.push_back(0x0b);
    result.functions.push_back({"e" + std::to_string(result.functions.size()), s});
    funcs_.push_back(std::move(w));
  }

  Bytes m = {0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00};
  std::vector<uint32_t> func_types;
  for (const Function& f : funcs_) func_types.push_back(type_index(f.signature));
  Bytes s;
  write_uleb128(s, types_.size());
  for (const Signature& t : types_) {
    s.push_back(0x60);
    write_uleb128(s, t.params.size());
    for (VT v : t.params) s.push_back(uint8_t(v));
    write_uleb128(s, t.results.size());
    for (VT v : t.results) s.push_back(uint8_t(v));
  }
  section(m, 1, s);
  s.clear();
  write_uleb128(s, func_types.size());
  for (uint32_t t : func_types) write_uleb128(s, t);
  section(m, 3, s);
  s = {2};
  for (int t = 0; t < 2; ++t) {
    s.push_back(0x70);
    s.push_back(0x01);
    write_uleb128(s, table_min_[t]);
    write_uleb128(s, table_max_[t]);
  }
  section(m, 4, s);
  s = {1, 0x01, 1};
  write_uleb128(s, kMaxPages);
  section(m, 5, s);
  s.clear();
  write_uleb128(s, globals_.size());
  for (size_t g = 0; g < globals_.size(); ++g) {
    s.push_back(uint8_t(globals_[g].type));
    s.push_back(globals_[g].mut ? 1 : 0);
    Bytes init;
    code_ = &init;
    if (g == 0) byte(0x41), sleb(kFuel);
    else constant(globals_[g].type);
    byte(0x0b);
    s.insert(s.end(), init.begin(), init.end());
  }
  section(m, 6, s);
  s.clear();
  uint32_t exports = 2 + uint32_t(result.functions.size());
  std::vector<uint32_t> exported_globals;
  for (uint32_t g = 1; g < globals_.size(); ++g)
    if (is_number(globals_[g].type)) exported_globals.push_back(g);
  write_uleb128(s, exports + exported_globals.size());
  name(s, "mem");
  s.push_back(0x02), s.push_back(0);
  name(s, "t0");
  s.push_back(0x01), s.push_back(0);
  for (uint32_t e = 0; e < result.functions.size(); ++e) {
    name(s, result.functions[e].name);
    s.push_back(0x00);
    write_uleb128(s, internal_count_ + e);
  }
  for (uint32_t g : exported_globals) {
    std::string n = "g" + std::to_string(g);
    name(s, n);
    s.push_back(0x03);
    write_uleb128(s, g);
    result.globals.push_back({n, globals_[g].type});
  }
  section(m, 7, s);
  // Elements: every internal function into table 0 from 0 (which also declares them for
  // ref.func), and one passive segment.
  s = {2, 0x00, 0x41, 0x00, 0x0b};
  write_uleb128(s, internal_count_);
  for (uint32_t i = 0; i < internal_count_; ++i) write_uleb128(s, i);
  s.push_back(0x01);
  s.push_back(0x00);
  write_uleb128(s, passive_elems_.size());
  for (uint32_t f : passive_elems_) write_uleb128(s, f);
  section(m, 9, s);
  s.clear();
  write_uleb128(s, 1 + passive_data_.size());
  section(m, 12, s);
  s.clear();
  write_uleb128(s, funcs_.size());
  for (const Function& f : funcs_) {
    write_uleb128(s, f.body.size());
    s.insert(s.end(), f.body.begin(), f.body.end());
  }
  section(m, 10, s);
  s.clear();
  write_uleb128(s, 1 + passive_data_.size());
  s.push_back(0x00);
  s.push_back(0x41);
  write_sleb128(s, active_data_offset_);
  s.push_back(0x0b);
  write_uleb128(s, active_data_.size());
  s.insert(s.end(), active_data_.begin(), active_data_.end());
  for (const Bytes& seg : passive_data_) {
    s.push_back(0x01);
    write_uleb128(s, seg.size());
    s.insert(s.end(), seg.begin(), seg.end());
  }
  section(m, 11, s);
  result.bytes = std::move(m);
  return result;
}

}  // namespace

GeneratedModule generate_module(uint64_t seed, uint32_t size) { return ModuleBuilder(seed, size).build(); }

}  // namespace wasmrun::fuzz
