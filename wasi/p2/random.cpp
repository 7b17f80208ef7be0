// wasi:random/random (getrandom(2)), wasi:random/insecure (a per-context xorshift generator
// seeded from getrandom) and wasi:random/insecure-seed (fixed per context, as the WIT allows).
#include <sys/random.h>

#include <cerrno>

#include "wasi/p2/context.h"
#include "wit/wasi_random.h"
#include "wit/wasi_random_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace secure = bindings::wasi::random::random;
namespace insecure = bindings::wasi::random::insecure;
namespace seed = bindings::wasi::random::insecure_seed;

constexpr uint64_t kMaxBytes = 64 << 20;  // a larger request is a guest error

TrapOr<std::vector<uint8_t>> secure_bytes(uint64_t len) {
  if (len > kMaxBytes) return Trap{TrapCode::HostError, "random: more than 64 MiB asked for"};
  std::vector<uint8_t> out(len);
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Trap{TrapCode::HostError, "random: getrandom failed"};
    done += size_t(n);
  }
  return out;
}

uint64_t secure_u64() {
  uint64_t v = 0;
  while (getrandom(&v, sizeof v, 0) != ssize_t(sizeof v)) {
  }
  return v;
}

class SecureHost final : public secure::Host {
 public:
  TrapOr<std::vector<uint8_t>> get_random_bytes(uint64_t len) override { return secure_bytes(len); }
  TrapOr<uint64_t> get_random_u64() override { return secure_u64(); }
};

class InsecureHost final : public insecure::Host {
 public:
  TrapOr<std::vector<uint8_t>> get_insecure_random_bytes(uint64_t len) override {
    if (len > kMaxBytes) return Trap{TrapCode::HostError, "random: more than 64 MiB asked for"};
    std::vector<uint8_t> out(len);
    for (size_t i = 0; i < out.size(); i += 8) {
      uint64_t v = next();
      for (size_t k = 0; k < 8 && i + k < out.size(); ++k) out[i + k] = uint8_t(v >> (8 * k));
    }
    return out;
  }
  TrapOr<uint64_t> get_insecure_random_u64() override { return next(); }

 private:
  uint64_t next() {  // xorshift64*
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }
  uint64_t state_ = secure_u64() | 1;
};

class SeedHost final : public seed::Host {
 public:
  TrapOr<std::tuple<uint64_t, uint64_t>> insecure_seed() override { return seed_; }

 private:
  std::tuple<uint64_t, uint64_t> seed_{secure_u64(), secure_u64()};
};

}  // namespace

Expected<void> add_random_secure(component::Linker& linker, WasiP2& wasi) {
  return secure::add_to_linker(linker, wasi.keep(std::make_unique<SecureHost>()));
}

Expected<void> add_random(component::Linker& linker, WasiP2& wasi) {
  if (auto ok = add_random_secure(linker, wasi); !ok) return ok;
  if (auto ok = insecure::add_to_linker(linker, wasi.keep(std::make_unique<InsecureHost>())); !ok) return ok;
  return seed::add_to_linker(linker, wasi.keep(std::make_unique<SeedHost>()));
}

}  // namespace wasmrun::wasi::p2
