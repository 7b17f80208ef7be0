// libFuzzer target: WAVE text (cli/wave/, `run --invoke`). The first bytes choose a component
// value type, the rest is text read as a value of it and as a call `f(...)` taking it. Rejecting
// the text with a positioned message is the expected outcome; what is read must print as text
// that reads back as the same value. Any crash, hang, leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cli/wave/printer.h"
#include "cli/wave/syntax.h"
#include "cli/wave/typed.h"

using namespace wasmrun;
using component::ValueKind;
using component::ValueType;
using component::ValueTypePtr;

namespace {

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t next() { return pos_ < size_ ? data_[pos_++] : 0; }
  size_t used() const { return pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Labels, some of them WAVE keywords (which cases must then write with `%`).
constexpr const char* kLabels[] = {"a", "b-c", "ok", "none", "some", "HTTP3", "x1", "nan", "err", "true"};
constexpr size_t kLabelCount = sizeof kLabels / sizeof kLabels[0];

// Distinct labels, chosen by the bits of two bytes.
std::vector<std::string> labels(Bytes& in) {
  uint16_t bits = uint16_t(in.next()) | uint16_t(in.next()) << 8;
  std::vector<std::string> out;
  for (size_t i = 0; i < kLabelCount; ++i) {
    if (bits & (1u << i)) out.emplace_back(kLabels[i]);
  }
  if (out.empty()) out.emplace_back("a");
  return out;
}

ValueTypePtr type_from(Bytes& in, int depth) {
  constexpr ValueKind kPrimitives[] = {ValueKind::Bool, ValueKind::S8,  ValueKind::U8,  ValueKind::S16,
                                       ValueKind::U16,  ValueKind::S32, ValueKind::U32, ValueKind::S64,
                                       ValueKind::U64,  ValueKind::F32, ValueKind::F64, ValueKind::Char,
                                       ValueKind::String};
  uint8_t choice = in.next();
  if (depth >= 4 || choice < 128) return ValueType::primitive(kPrimitives[choice % 13]);
  auto t = std::make_shared<ValueType>();
  switch (choice % 9) {
    case 0: t->kind = ValueKind::List; t->element = type_from(in, depth + 1); break;
    case 1:
      t->kind = ValueKind::FixedList;
      t->element = type_from(in, depth + 1);
      t->length = 1 + in.next() % 4;
      break;
    case 2:
    case 3:
      t->kind = choice % 9 == 2 ? ValueKind::Record : ValueKind::Tuple;
      for (auto& name : labels(in)) t->fields.push_back({t->kind == ValueKind::Record ? name : "", type_from(in, depth + 1)});
      break;
    case 4:
      t->kind = ValueKind::Variant;
      for (auto& name : labels(in)) t->cases.push_back({name, in.next() & 1 ? type_from(in, depth + 1) : nullptr});
      break;
    case 5: t->kind = ValueKind::Enum; t->names = labels(in); break;
    case 6: t->kind = ValueKind::Flags; t->names = labels(in); break;
    case 7: t->kind = ValueKind::Option; t->element = type_from(in, depth + 1); break;
    default: {
      t->kind = ValueKind::Result;
      uint8_t which = in.next();
      if (which & 1) t->ok = type_from(in, depth + 1);
      if (which & 2) t->err = type_from(in, depth + 1);
      break;
    }
  }
  return t;
}

// Errors say where: "... at BEGIN..END", or that the text is not UTF-8.
void check_error(const Error& e) {
  if (e.message.find(" at ") == std::string::npos && e.message != "WAVE text is not valid UTF-8") __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes in(data, size);
  ValueTypePtr type = type_from(in, 0);
  std::string_view text(reinterpret_cast<const char*>(data) + in.used(), size - in.used());

  auto value = wave::parse_value(text, *type);
  if (!value) {
    check_error(value.error());
  } else {
    std::string printed = wave::print(*value);
    auto again = wave::parse_value(printed, *type);
    if (!again || !(*again == *value)) __builtin_trap();
    if (wave::print(*again) != printed) __builtin_trap();
  }

  auto call = wave::parse_call(text);
  if (!call) {
    check_error(call.error());
    return 0;
  }
  component::FuncType f;
  f.params = {{"p", type}};
  auto args = wave::call_arguments(*call, text, f);
  if (!args) check_error(args.error());
  return 0;
}
