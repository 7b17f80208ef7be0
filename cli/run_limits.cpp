#include "cli/run_limits.h"

#include <fmt/format.h>

#include <charconv>

namespace wasmrun::cli {

namespace {

// A number with an optional unit suffix; `units` maps each suffix to its multiplier.
template <size_t N>
std::optional<uint64_t> parse_scaled(std::string_view text, const std::pair<std::string_view, uint64_t> (&units)[N],
                                     uint64_t bare) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  std::string_view unit(end, size_t(text.data() + text.size() - end));
  uint64_t scale = unit.empty() ? bare : 0;
  for (const auto& [name, multiplier] : units)
    if (unit == name) scale = multiplier;
  if (scale == 0 || n > UINT64_MAX / scale) return std::nullopt;
  return n * scale;
}

// Bytes: a number, optionally with K, M or G (powers of 1024; KiB, MiB, GiB too).
std::optional<uint64_t> parse_size(std::string_view text) {
  static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {
      {"K", 1 << 10}, {"KiB", 1 << 10}, {"M", 1 << 20}, {"MiB", 1 << 20}, {"G", 1 << 30}, {"GiB", 1 << 30}};
  return parse_scaled(text, kUnits, 1);
}


}  // namespace

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  static constexpr std::pair<std::string_view, uint64_t> kUnits[] = {
      {"ns", 1}, {"us", 1'000}, {"ms", 1'000'000}, {"s", 1'000'000'000}, {"m", 60'000'000'000},
      {"h", 3'600'000'000'000}};
  auto ns = parse_scaled(text, kUnits, 1'000'000'000);
  if (!ns || *ns > uint64_t(INT64_MAX)) return std::nullopt;
  return std::chrono::nanoseconds(int64_t(*ns));
}

Expected<bool> RunLimits::set(std::string_view name, std::string_view value) {
  auto bad = [&](std::string_view what) {
    return Error{fmt::format("run: {} wants {}, not '{}'", name, what, value)};
  };
  if (name == "timeout") {
    auto d = parse_duration(value);
    if (!d || d->count() == 0) return bad("a duration (e.g. 500ms, 10s, 2m)");
    timeout = *d;
    timeout_text = std::string(value);
    return true;
  }
  std::optional<uint64_t>* target = name == "max-memory-size"      ? &max_memory_size
                                    : name == "max-table-elements" ? &max_table_elements
                                    : name == "max-wasm-stack"     ? &max_wasm_stack
                                                                   : nullptr;
  if (!target) return false;
  auto n = name == "max-table-elements" ? [&]() -> std::optional<uint64_t> {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    return v;
  }() : parse_size(value);
  if (!n) return bad(name == "max-table-elements" ? "a number" : "a size in bytes (e.g. 65536, 64K, 16M)");
  if (name == "max-wasm-stack" && *n == 0) return bad("a size above 0");
  *target = *n;
  return true;
}

Expected<void> RunLimits::set_all(std::string_view list) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) return Error{fmt::format("run: -W wants NAME=VALUE, not '{}'", item)};
    auto known = set(item.substr(0, eq), item.substr(eq + 1));
    if (!known) return known.error();
    if (!*known) return Error{fmt::format("run: unknown -W option '{}'", item.substr(0, eq))};
  }
  return {};
}

void RunLimits::configure(Config& config) const {
  if (timeout) config.epoch_interruption = true;
  if (max_wasm_stack) config.max_wasm_stack = size_t(*max_wasm_stack);
}

void RunLimits::apply(Store& store, std::optional<uint32_t> max_resource_handles) const {
  store.set_limits({max_memory_size, max_table_elements, max_resource_handles});
  if (timeout) store.set_epoch_deadline(1);
}

Watchdog::Watchdog(Engine& engine, std::chrono::nanoseconds timeout)
    : thread_([this, &engine, timeout] {
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, timeout, [this] { return done_; })) return;
        fired_ = true;
        engine.increment_epoch();
      }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

bool Watchdog::fired() const {
  std::lock_guard lock(mutex_);
  return fired_;
}

}  // namespace wasmrun::cli
