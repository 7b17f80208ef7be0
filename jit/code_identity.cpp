#include "jit/code_identity.h"

#include <fmt/format.h>
#include <link.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>

#include <dlfcn.h>

#include <cstring>
#include <set>
#include <sstream>

#include "wasmrun/version.h"

namespace wasmrun::jit {

namespace {

// The NT_GNU_BUILD_ID note of the loaded object that contains this function. Two builds of the
// same version (a developer's tree) get different ids, so stale cache entries are not reused.
std::string own_build_id() {
  Dl_info info{};
  if (!dladdr(reinterpret_cast<void*>(&own_build_id), &info) || !info.dli_fbase) return "";
  struct Search {
    const void* base;
    std::string id;
  } search{info.dli_fbase, ""};
  dl_iterate_phdr(
      [](dl_phdr_info* object, size_t, void* data) -> int {
        auto* s = static_cast<Search*>(data);
        bool ours = false;
        for (int i = 0; i < object->dlpi_phnum && !ours; ++i)
          ours = object->dlpi_phdr[i].p_type == PT_LOAD && object->dlpi_phdr[i].p_offset == 0 &&
                 reinterpret_cast<const void*>(object->dlpi_addr + object->dlpi_phdr[i].p_vaddr) == s->base;
        if (!ours) return 0;
        for (int i = 0; i < object->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = object->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE) continue;
          auto* p = reinterpret_cast<const uint8_t*>(object->dlpi_addr + ph.p_vaddr);
          const uint8_t* end = p + ph.p_memsz;
          while (p + sizeof(ElfW(Nhdr)) <= end) {
            ElfW(Nhdr) note;
            std::memcpy(&note, p, sizeof note);
            const uint8_t* name = p + sizeof note;
            const uint8_t* desc = name + ((note.n_namesz + 3) & ~3u);
            if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0 &&
                desc + note.n_descsz <= end) {
              for (uint32_t k = 0; k < note.n_descsz; ++k) s->id += fmt::format("{:02x}", desc[k]);
              return 1;
            }
            p = desc + ((note.n_descsz + 3) & ~3u);
          }
        }
        return 1;
      },
      &search);
  return search.id;
}

std::set<std::string> enabled_features(const std::string& features) {
  std::set<std::string> enabled;
  std::istringstream in(features);
  for (std::string f; std::getline(in, f, ',');)
    if (f.size() > 1 && f[0] == '+') enabled.insert(f.substr(1));
  return enabled;
}

}  // namespace

CodeIdentity host_identity(const llvm::orc::JITTargetMachineBuilder& builder) {
  static const std::string build_id = own_build_id();
  return CodeIdentity{kVersion,
                      build_id,
                      LLVM_VERSION_STRING,
                      builder.getTargetTriple().str(),
                      builder.getCPU(),
                      builder.getFeatures().getString()};
}

std::string incompatibility(const CodeIdentity& made, const CodeIdentity& host) {
  if (made.wasmrun_version != host.wasmrun_version || made.llvm_version != host.llvm_version)
    return fmt::format("it was compiled by wasmrun {} (LLVM {}); this is wasmrun {} (LLVM {})", made.wasmrun_version,
                       made.llvm_version, host.wasmrun_version, host.llvm_version);
  if (made.build_id != host.build_id)
    return fmt::format("it was compiled by another build of wasmrun {} (build id {}; this one is {})",
                       made.wasmrun_version, made.build_id.empty() ? "none" : made.build_id,
                       host.build_id.empty() ? "none" : host.build_id);
  if (made.triple != host.triple)
    return fmt::format("it was compiled for {}; this host is {}", made.triple, host.triple);
  if (made.cpu != host.cpu || made.features != host.features) {
    std::set<std::string> have = enabled_features(host.features);
    std::string missing;
    for (const std::string& f : enabled_features(made.features))
      if (!have.count(f)) missing += (missing.empty() ? "" : ", ") + f;
    return fmt::format("it was compiled for CPU '{}'; this host is '{}'{}", made.cpu, host.cpu,
                       missing.empty() ? " with other CPU features" : ", which lacks " + missing);
  }
  return "";
}

}  // namespace wasmrun::jit
