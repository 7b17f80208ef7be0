// wasi:io/error: an error resource whose debug string is the host's description.
#include "wasi/p2/context.h"
#include "wit/wasi_io.h"
#include "wit/wasi_io_traits.h"

namespace wasmrun::wasi::p2 {

namespace {

namespace error = bindings::wasi::io::error;

class ErrorHost final : public error::Host {
 public:
  explicit ErrorHost(WasiP2& wasi) : wasi_(wasi) {}
  TrapOr<void> error_drop(Resource<error::Error> self) override {
    wasi_.remove<ErrorObject>(self);
    return {};
  }
  TrapOr<std::string> error_to_debug_string(Borrow<error::Error> self) override {
    auto* e = wasi_.get<ErrorObject>(self);
    if (!e) return unknown_handle("error");
    return e->message;
  }

 private:
  WasiP2& wasi_;
};

}  // namespace

Expected<void> add_io_error(component::Linker& linker, WasiP2& wasi) {
  return error::add_to_linker(linker, wasi.keep(std::make_unique<ErrorHost>(wasi)));
}

}  // namespace wasmrun::wasi::p2
