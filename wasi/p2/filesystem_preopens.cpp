// wasi:filesystem/preopens: the context's preopened directories, each a new descriptor handle
// (read, mutate-directory: Wasmtime's default permissions) on the shared host fd.
#include <fcntl.h>

#include "wasi/p2/context.h"
#include "wit/wasi_filesystem.h"
#include "wit/wasi_filesystem_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace fs = bindings::wasi::filesystem;

class PreopensHost final : public fs::preopens::Host {
 public:
  explicit PreopensHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<std::vector<std::tuple<Resource<fs::types::Descriptor>, std::string>>> get_directories() override {
    std::vector<std::tuple<Resource<fs::types::Descriptor>, std::string>> dirs;
    for (const Preopen& p : wasi_.preopens()) {
      auto d = wasi_.push<fs::types::Descriptor>(DescriptorObject{
          p.fd, true, fs::types::DescriptorFlags::read | fs::types::DescriptorFlags::mutate_directory});
      if (!d) return d.take_trap();
      dirs.emplace_back(*d, p.guest_name);
    }
    return dirs;
  }

 private:
  WasiP2& wasi_;
};

}  // namespace

Expected<void> add_filesystem_preopens(component::Linker& linker, WasiP2& wasi) {
  return fs::preopens::add_to_linker(linker, wasi.keep(std::make_unique<PreopensHost>(wasi)));
}

}  // namespace wasmrun::wasi::p2
