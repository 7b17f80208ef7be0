// wasm-diff-fuzz: differential fuzzing of wasmrun's JIT against V8. Each seed gives a module
// (module_generator.h) and a list of calls with arguments; the module runs in wasmrun (in this
// process) and in node (v8_runner.js, one long-lived process), and the two transcripts — the
// outcome of instantiation, then of each call (results, or the class of trap), with a hash of
// the memory and the exported globals after it — must be equal.
//
//   wasm-diff-fuzz [--seconds N] [--count N] [--seed S] [--size N] [--out DIR] [--node PATH] [--runner JS]
//   wasm-diff-fuzz --seed S --count 1 --print     # one seed: the module's transcripts
//
// A divergence is written to DIR/diverge-SEED.{wasm,txt}. Before each module runs, it is written
// to DIR/current.wasm (with its seed in DIR/current.seed), so a crash leaves its input behind.
// The last line reads "1 passed, 0 failed" (or "0 passed, 1 failed" after a divergence), as a
// fuzzer's run in scripts/test does.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bit>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/fuzz/differential/module_generator.h"
#include "wasmrun/wasmrun.h"

using namespace wasmrun;
using namespace wasmrun::fuzz;

namespace {

struct Call {
  std::string name;
  Signature signature;
  std::vector<std::string> args;  // i32/i64 in decimal, f32/f64 as hexadecimal bits
};

std::string base64(const std::vector<uint8_t>& in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = uint32_t(in[i]) << 16 | uint32_t(in[i + 1]) << 8 | in[i + 2];
    for (int k = 3; k >= 0; --k) out += kAlphabet[(v >> (6 * k)) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint32_t(in[i]) << 16;
    out += kAlphabet[v >> 18], out += kAlphabet[(v >> 12) & 63], out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = uint32_t(in[i]) << 16 | uint32_t(in[i + 1]) << 8;
    out += kAlphabet[v >> 18], out += kAlphabet[(v >> 12) & 63], out += kAlphabet[(v >> 6) & 63], out += '=';
  }
  return out;
}

// The strings of a JSON array of strings (what v8_runner.js writes).
std::vector<std::string> parse_string_array(std::string_view json) {
  std::vector<std::string> out;
  size_t i = json.find('[');
  while (i != std::string_view::npos && i < json.size()) {
    size_t q = json.find('"', i);
    if (q == std::string_view::npos) break;
    std::string s;
    size_t k = q + 1;
    for (; k < json.size() && json[k] != '"'; ++k) {
      if (json[k] == '\\' && k + 1 < json.size()) {
        char e = json[++k];
        if (e == 'n') s += '\n';
        else if (e == 't') s += '\t';
        else if (e == 'u' && k + 4 < json.size()) s += char(std::stoi(std::string(json.substr(k + 1, 4)), nullptr, 16)), k += 4;
        else s += e;
      } else {
        s += json[k];
      }
    }
    out.push_back(std::move(s));
    i = k + 1;
  }
  return out;
}

std::string random_arg(std::mt19937_64& rng, VT t) {
  auto pick = [&](std::initializer_list<uint64_t> special) {
    return rng() % 2 ? *(special.begin() + rng() % special.size()) : rng();
  };
  switch (t) {
    case VT::I32: return std::to_string(int32_t(pick({0, 1, uint64_t(-1), 0x80000000, 0x7fffffff, 100, 65536})));
    case VT::I64: return std::to_string(int64_t(pick({0, 1, uint64_t(-1), 0x8000000000000000, 0x7fffffffffffffff, 100})));
    case VT::F32: {
      uint32_t bits = uint32_t(pick({0, 0x80000000, 0x3f800000, 0x7f800000, 0xff800000, 0x4f000000, 1}));
      if ((bits & 0x7f800000) == 0x7f800000 && (bits & 0x7fffff)) bits = 0x3fc00000;  // no NaN through JS
      return fmt::format("{:x}", bits);
    }
    default: {
      uint64_t bits = pick({0, 0x8000000000000000, 0x3ff0000000000000, 0x7ff0000000000000, 0x43e0000000000000, 1});
      if ((bits & 0x7ff0000000000000) == 0x7ff0000000000000 && (bits & 0xfffffffffffff)) bits = 0x3ff8000000000000;
      return fmt::format("{:x}", bits);
    }
  }
}

std::vector<Call> plan_calls(const GeneratedModule& m, uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15);
  std::vector<Call> calls;
  size_t n = m.functions.empty() ? 0 : 2 + rng() % 6;
  for (size_t i = 0; i < n; ++i) {
    const auto& f = m.functions[rng() % m.functions.size()];
    Call c{f.name, f.signature, {}};
    for (VT p : f.signature.params) c.args.push_back(random_arg(rng, p));
    calls.push_back(std::move(c));
  }
  return calls;
}

std::string job_json(const GeneratedModule& m, const std::vector<Call>& calls) {
  std::string j = "{\"wasm\":\"" + base64(m.bytes) + "\",\"globals\":[";
  for (size_t i = 0; i < m.globals.size(); ++i)
    j += fmt::format("{}[\"{}\",\"{}\"]", i ? "," : "", m.globals[i].first, to_string(m.globals[i].second));
  j += "],\"calls\":[";
  for (size_t i = 0; i < calls.size(); ++i) {
    const Call& c = calls[i];
    j += fmt::format("{}{{\"name\":\"{}\",\"params\":[", i ? "," : "", c.name);
    for (size_t k = 0; k < c.signature.params.size(); ++k) j += fmt::format("{}\"{}\"", k ? "," : "", to_string(c.signature.params[k]));
    j += "],\"results\":[";
    for (size_t k = 0; k < c.signature.results.size(); ++k) j += fmt::format("{}\"{}\"", k ? "," : "", to_string(c.signature.results[k]));
    j += "],\"args\":[";
    for (size_t k = 0; k < c.args.size(); ++k) j += fmt::format("{}\"{}\"", k ? "," : "", c.args[k]);
    j += "]}";
  }
  return j + "]}";
}

// ---- the wasmrun side ----

// wasmrun's trap messages (runtime/vm/trap.cpp), by the class both sides name.
std::string trap_class(const std::string& message) {
  static const std::pair<const char*, const char*> kClasses[] = {
      {"unreachable", "unreachable"},
      {"out of bounds memory access", "memory"},
      {"integer divide by zero", "div0"},
      // The spec says "integer overflow" for a division and for a truncation out of range, and
      // "invalid conversion to integer" for truncating a NaN; V8 says "divide result
      // unrepresentable" and "float unrepresentable in integer range": one class for the four.
      {"integer overflow", "overflow"},
      {"invalid conversion to integer", "overflow"},
      {"out of bounds table access", "table"},
      {"undefined element", "table"},
      {"uninitialized element", "indirect"},
      {"indirect call type mismatch", "indirect"},
      {"call stack exhausted", "stack"},
  };
  for (auto [text, name] : kClasses)
    if (message.starts_with(text)) return name;
  return "other:" + message.substr(0, message.find('\n'));
}

std::string format_value(const Val& v) {
  switch (v.type()) {
    case ValType::I32: return fmt::format("i32:{}", v.i32());
    case ValType::I64: return fmt::format("i64:{}", v.i64());
    case ValType::F32: {
      float f = v.f32();
      return f != f ? "f32:nan" : fmt::format("f32:{:x}", std::bit_cast<uint32_t>(f));
    }
    case ValType::F64: {
      double d = v.f64();
      return d != d ? "f64:nan" : fmt::format("f64:{:x}", std::bit_cast<uint64_t>(d));
    }
    default: return "?";
  }
}

Val parse_arg(VT t, const std::string& text) {
  switch (t) {
    case VT::I32: return Val::i32(int32_t(std::stoll(text)));
    case VT::I64: return Val::i64(std::stoll(text));
    case VT::F32: return Val::f32(std::bit_cast<float>(uint32_t(std::stoul(text, nullptr, 16))));
    default: return Val::f64(std::bit_cast<double>(uint64_t(std::stoull(text, nullptr, 16))));
  }
}

std::string state(const Instance& instance, const GeneratedModule& m) {
  Memory mem = *instance.get_memory("mem");
  uint32_t h = 0x811c9dc5;
  const uint8_t* p = mem.data();
  for (uint64_t i = 0; i < mem.size_bytes(); ++i) h = (h ^ p[i]) * 0x01000193;
  std::string g;
  for (size_t i = 0; i < m.globals.size(); ++i)
    g += (i ? "," : "") + format_value(*instance.get_global(m.globals[i].first)->get());
  return fmt::format("mem={:08x}/{} g=[{}]", h, mem.size_pages(), g);
}

std::vector<std::string> run_wasmrun(const Engine& engine, const GeneratedModule& m, const std::vector<Call>& calls) {
  auto module = Module::compile(engine, m.bytes);
  if (!module) return {"invalid: " + module.error().message};
  Store store(engine);
  auto instance = Linker(engine).instantiate(store, *module);
  if (!instance) return {"instantiate: " + trap_class(instance.error().message)};
  std::vector<std::string> out{"instantiated " + state(*instance, m)};
  for (const Call& c : calls) {
    std::vector<Val> args;
    for (size_t i = 0; i < c.args.size(); ++i) args.push_back(parse_arg(c.signature.params[i], c.args[i]));
    auto r = instance->get_func(c.name)->call(args);
    std::string line = c.name + ": ";
    if (r) {
      line += "ok [";
      for (size_t i = 0; i < r->size(); ++i) line += (i ? "," : "") + format_value((*r)[i]);
      line += "]";
    } else {
      line += "trap " + trap_class(r.error().message);
    }
    out.push_back(line + " " + state(*instance, m));
  }
  return out;
}

// ---- the V8 side: one node process, a job per line ----

class Node {
 public:
  Node(std::string node, std::string runner) : node_(std::move(node)), runner_(std::move(runner)) {}
  ~Node() { stop(); }

  // The transcript for `job`, or nothing when node did not answer within `timeout`.
  std::optional<std::vector<std::string>> run(const std::string& job, std::chrono::seconds timeout) {
    if (pid_ <= 0 && !start()) return std::nullopt;
    std::string line = job + "\n";
    for (size_t done = 0; done < line.size();) {
      ssize_t n = write(to_, line.data() + done, line.size() - done);
      if (n <= 0) {
        stop();
        return std::nullopt;
      }
      done += size_t(n);
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string answer = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return parse_string_array(answer);
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{from_, POLLIN, 0};
      if (left.count() <= 0 || poll(&p, 1, int(left.count())) <= 0) {
        stop();
        return std::nullopt;
      }
      char buf[65536];
      ssize_t n = read(from_, buf, sizeof buf);
      if (n <= 0) {
        stop();
        return std::nullopt;
      }
      buffer_.append(buf, size_t(n));
    }
  }

 private:
  bool start() {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) return false;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      execlp(node_.c_str(), node_.c_str(), runner_.c_str(), nullptr);
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_ = in[1];
    from_ = out[0];
    buffer_.clear();
    return pid_ > 0;
  }
  void stop() {
    if (pid_ <= 0) return;
    close(to_);
    close(from_);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::string node_, runner_;
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  std::string buffer_;
};

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += "  " + l + "\n";
  return s;
}

void write_file(const std::filesystem::path& path, const void* data, size_t size) {
  std::ofstream(path, std::ios::binary).write(static_cast<const char*>(data), std::streamsize(size));
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 0;
  uint64_t count = 0, seed = std::random_device()();
  bool print = false;
  uint32_t size = 200;
  std::string out_dir = "diff-fuzz-out", node_path = "node", runner = V8_RUNNER;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--seconds") seconds = std::stod(next());
    else if (a == "--count") count = std::stoull(next());
    else if (a == "--seed") seed = std::stoull(next());
    else if (a == "--out") out_dir = next();
    else if (a == "--node") node_path = next();
    else if (a == "--runner") runner = next();
    else if (a == "--print") print = true;
    else if (a == "--size") size = uint32_t(std::stoul(next()));
    else {
      fmt::print(stderr, "usage: wasm-diff-fuzz [--seconds N] [--count N] [--seed S] [--size N] [--out DIR] [--node PATH] [--runner JS] [--print]\n");
      return 2;
    }
  }
  if (seconds == 0 && count == 0) count = 100;
  std::filesystem::create_directories(out_dir);
  auto engine = Engine::create();
  if (!engine) {
    fmt::print(stderr, "error: {}\n", engine.error().message);
    return 1;
  }
  Node node(node_path, runner);
  fmt::print("wasm-diff-fuzz: seeds from {}, out {}\n", seed, out_dir);
  std::fflush(stdout);
  auto start = std::chrono::steady_clock::now();
  uint64_t modules = 0, calls_made = 0, traps = 0, divergences = 0, invalid = 0, node_failures = 0;
  for (uint64_t s = seed;; ++s) {
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if ((count && modules >= count) || (seconds > 0 && elapsed >= seconds)) break;
    GeneratedModule m = generate_module(s, size);
    std::vector<Call> calls = plan_calls(m, s);
    write_file(std::filesystem::path(out_dir) / "current.wasm", m.bytes.data(), m.bytes.size());
    std::ofstream(std::filesystem::path(out_dir) / "current.seed") << s << "\n";
    std::vector<std::string> ours = run_wasmrun(*engine, m, calls);
    auto theirs = node.run(job_json(m, calls), std::chrono::seconds(60));
    ++modules;
    calls_made += calls.size();
    for (const std::string& l : ours) traps += l.find(": trap ") != std::string::npos;
    if (print) fmt::print("seed {}\nwasmrun:\n{}v8:\n{}", s, join(ours), theirs ? join(*theirs) : "  (no answer)\n");
    if (!theirs) {
      ++node_failures;
      fmt::print("seed {}: node gave no answer (hang or crash); module kept as node-{}.wasm\n", s, s);
      write_file(std::filesystem::path(out_dir) / fmt::format("node-{}.wasm", s), m.bytes.data(), m.bytes.size());
      continue;
    }
    bool both_invalid = !ours.empty() && !theirs->empty() && ours[0].starts_with("invalid") && (*theirs)[0].starts_with("invalid");
    if (ours == *theirs) continue;
    auto base = std::filesystem::path(out_dir) / fmt::format("{}-{}", both_invalid ? "invalid" : "diverge", s);
    write_file(base.string() + ".wasm", m.bytes.data(), m.bytes.size());
    std::string report = fmt::format("seed {}\nwasmrun:\n{}v8:\n{}", s, join(ours), join(*theirs));
    write_file(base.string() + ".txt", report.data(), report.size());
    if (both_invalid) {
      ++invalid;
      fmt::print("seed {}: the generator made an invalid module ({})\n", s, ours[0]);
    } else {
      ++divergences;
      fmt::print("DIVERGENCE seed {}:\n{}", s, report);
    }
    std::fflush(stdout);
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("{} modules, {} calls ({} trapped) in {:.0f} s; {} divergences, {} invalid modules, {} without an answer from node\n",
             modules, calls_made, traps, elapsed, divergences, invalid, node_failures);
  // One test case, as a libFuzzer run is in scripts/test (the module counts vary from run to run).
  bool failed = divergences + invalid > 0;
  fmt::print("{} passed, {} failed\n", failed ? 0 : 1, failed ? 1 : 0);
  return failed ? 1 : 0;
}
