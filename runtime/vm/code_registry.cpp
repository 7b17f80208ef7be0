#include "runtime/vm/code_registry.h"

#include <map>
#include <mutex>

namespace wasmrun::vm {

namespace {

struct Registry {
  std::mutex mutex;
  uint64_t next_token = 1;
  std::map<uintptr_t, CodeRange> by_begin;                  // every live range, by start
  std::map<uint64_t, std::vector<uintptr_t>> by_token;      // what each registration added
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

uint64_t register_code(std::vector<CodeRange> ranges) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  uint64_t token = r.next_token++;
  std::vector<uintptr_t>& added = r.by_token[token];
  for (CodeRange& range : ranges) {
    added.push_back(range.begin);
    r.by_begin[range.begin] = std::move(range);
  }
  return token;
}

void unregister_code(uint64_t token) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.by_token.find(token);
  if (it == r.by_token.end()) return;
  for (uintptr_t begin : it->second) r.by_begin.erase(begin);
  r.by_token.erase(it);
}

std::vector<Frame> frames_at(uintptr_t pc) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);  // also serialises resolvers, which are not thread-safe
  auto it = r.by_begin.upper_bound(pc);
  if (it == r.by_begin.begin()) return {};
  --it;
  const CodeRange& range = it->second;
  if (pc >= range.end) return {};
  if (range.inlining) {
    std::vector<Frame> frames = range.inlining->frames_at(range, pc);
    if (!frames.empty()) return frames;
  }
  return {Frame{range.func_index, range.func_name, range.module_name, std::nullopt, false}};
}

}  // namespace wasmrun::vm
