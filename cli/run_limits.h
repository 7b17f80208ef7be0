// The limits `wasmrun run` sets on a guest, with Wasmtime's flag names: --timeout (through epoch
// interruption), --max-memory-size, --max-table-elements, --max-wasm-stack; each also as
// `-W NAME=VALUE` (several separated by commas), as `wasmtime run -W` takes them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "wasmrun/wasmrun.h"

namespace wasmrun::cli {

// A duration as the limits take it: a number with ns, us, ms, s, m or h; a bare number is seconds.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

// Exit status of a guest stopped by --timeout (that of timeout(1)).
inline constexpr int kTimeoutExitStatus = 124;

struct RunLimits {
  std::optional<std::chrono::nanoseconds> timeout;
  std::string timeout_text;  // as given, for messages
  std::optional<uint64_t> max_memory_size;
  std::optional<uint64_t> max_table_elements;
  std::optional<uint64_t> max_wasm_stack;

  // Takes `name` (without dashes) = `value` if it names a limit: true if it did, false if the
  // name is not a limit, an error if the value is bad.
  Expected<bool> set(std::string_view name, std::string_view value);
  // "-W timeout=2s,max-memory-size=1M".
  Expected<void> set_all(std::string_view list);

  void configure(Config& config) const;
  // `max_resource_handles`: the handle-table bound of each component instance (-S max-resources).
  void apply(Store& store, std::optional<uint32_t> max_resource_handles = std::nullopt) const;
};

// Advances the engine's epoch once `timeout` has passed, unless destroyed first: a guest
// compiled with epoch checks and a deadline of one tick then traps ("interrupted") at its next
// function entry or loop header.
class Watchdog {
 public:
  Watchdog(Engine& engine, std::chrono::nanoseconds timeout);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  bool fired() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  bool fired_ = false;
  std::thread thread_;
};

}  // namespace wasmrun::cli
