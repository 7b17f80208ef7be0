// The WASI 0.2 host (wasi:io, wasi:clocks, wasi:random, wasi:cli, wasi:filesystem) on the public
// component API and the WIT bindings generated from wit/wasi/: one file per interface, each with
// a `Host` of the bindings. WasiP2 holds what the guest sees (arguments, environment, preopened
// directories, stdio) and the resource table every interface keeps its objects in.
//
//   wasmrun::wasi::p2::WasiP2 wasi({.args = {"prog"}, .preopens = {{"/tmp/x", "/"}}});
//   wasi.add_to_linker(linker);              // every interface at 0.2.12
//   ... call wasi:cli/run#run; Error::exit_status() tells whether the guest called exit.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wasi/p2/pollable.h"
#include "wasi/p2/streams.h"
#include "wasi/preview1/unique_fd.h"
#include "wasmrun/component/linker.h"
#include "wasmrun/component/resource_table.h"

namespace wasmrun::wasi::p2 {

using component::Borrow;
using component::Resource;
using wasmrun::Trap;
using wasmrun::TrapCode;
using component::TrapOr;
using wasmrun::TrapCode;

struct WasiP2Config {
  // The most host objects (streams, pollables, descriptors, ...) the guest may hold at once
  // (Wasmtime's `-S max-resources`); one more traps with TrapCode::TableFull.
  uint32_t max_resources = uint32_t(1) << 20;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<std::pair<std::string, std::string>> preopens;  // host directory, guest name
  int stdin_fd = 0, stdout_fd = 1, stderr_fd = 2;              // the host's, not owned
  // wasi:sockets, all off by default as in Wasmtime (`wasmrun run -S ...` turns them on):
  // inherit_network lets the guest use any address; tcp and udp let it create such sockets;
  // ip_name_lookup lets it resolve names.
  struct Sockets {
    bool inherit_network = false;
    bool tcp = false;
    bool udp = false;
    bool ip_name_lookup = false;
  } sockets;
};

// The host objects guests hold handles to (streams and pollables: streams.h).
struct DescriptorObject {
  std::shared_ptr<preview1::UniqueFd> fd;  // shared with the streams opened on it
  bool directory = false;
  uint32_t flags = 0;  // wasi:filesystem descriptor-flags it was opened with
};
struct DirectoryEntryStreamObject {
  std::vector<std::pair<std::string, uint8_t>> entries;  // name, descriptor-type
  size_t next = 0;
};

struct Preopen {
  std::shared_ptr<preview1::UniqueFd> fd;
  std::string guest_name;
};

class WasiP2 {
 public:
  // Opens the preopened directories; an error names the one that cannot be opened.
  static Expected<std::unique_ptr<WasiP2>> create(WasiP2Config config);

  // Registers every interface at 0.2.12 (imports 0.2.0 ... 0.2.12 match through the linker).
  Expected<void> add_to_linker(component::Linker& linker);
  // Only the interfaces of the wasi:http/proxy world (wasi:io, wasi:clocks, wasi:random/random,
  // wasi:cli stdin/stdout/stderr), as Wasmtime's add_to_linker_proxy_interfaces.
  Expected<void> add_proxy_interfaces_to_linker(component::Linker& linker);

  const WasiP2Config& config() const { return config_; }
  const std::vector<Preopen>& preopens() const { return preopens_; }
  component::ResourceTable& table() { return *table_; }
  // The table host objects go to: the context's own unless an embedder sets another (serve:
  // the table of the request whose guest runs, dropped with it). Not owned; null restores it.
  void set_table(component::ResourceTable* table) { table_ = table ? table : &own_table_; }

  // What blocks the guest in poll and the blocking stream calls: poll(2) in place unless an
  // embedder (serve's per-request fibers) sets another. Not owned; null restores the default.
  Waiter& waiter() { return *waiter_; }
  void set_waiter(Waiter* waiter) { waiter_ = waiter ? waiter : &poll_waiter_; }

  // Stores a host object and gives the guest-visible handle of resource type Tag.
  template <class Tag, class Object>
  TrapOr<Resource<Tag>> push(Object object) {
    auto r = table_->push(std::move(object));
    if (!r) return Trap{TrapCode::TableFull, r.error().message};
    return Resource<Tag>{r->rep};
  }
  // The object behind a handle, or null when it names no live object of that C++ type.
  template <class Object, class Tag>
  Object* get(Borrow<Tag> handle) { return table_->get(Borrow<Object>{handle.rep}); }
  template <class Object, class Tag>
  std::optional<Object> remove(Resource<Tag> handle) { return table_->remove(Resource<Object>{handle.rep}); }

  // Keeps an interface's host alive as long as this context (the linker refers to it).
  template <class H>
  H& keep(std::unique_ptr<H> host) {
    H& ref = *host;
    hosts_.push_back(std::shared_ptr<void>(std::move(host)));
    return ref;
  }

 private:
  explicit WasiP2(WasiP2Config config) : config_(std::move(config)), own_table_(config_.max_resources) {}
  WasiP2Config config_;
  std::vector<Preopen> preopens_;
  component::ResourceTable own_table_;
  component::ResourceTable* table_ = &own_table_;
  PollWaiter poll_waiter_;
  Waiter* waiter_ = &poll_waiter_;
  std::vector<std::shared_ptr<void>> hosts_;
};

// A trap for a handle that names nothing of the expected type.
inline Trap unknown_handle(const char* what) {
  return Trap{TrapCode::UnknownHandle, std::string("unknown ") + what + " handle"};
}

// Each interface's registration (io_error.cpp, io_poll.cpp, ...).
Expected<void> add_io_error(component::Linker& linker, WasiP2& wasi);
Expected<void> add_io_poll(component::Linker& linker, WasiP2& wasi);
Expected<void> add_io_streams(component::Linker& linker, WasiP2& wasi);
Expected<void> add_clocks(component::Linker& linker, WasiP2& wasi);
Expected<void> add_random(component::Linker& linker, WasiP2& wasi);         // random, insecure, insecure-seed
Expected<void> add_random_secure(component::Linker& linker, WasiP2& wasi);  // wasi:random/random alone
Expected<void> add_cli_environment(component::Linker& linker, WasiP2& wasi);
Expected<void> add_cli_exit(component::Linker& linker, WasiP2& wasi);
Expected<void> add_cli_stdio(component::Linker& linker, WasiP2& wasi);
Expected<void> add_cli_terminal(component::Linker& linker, WasiP2& wasi);
Expected<void> add_filesystem_types(component::Linker& linker, WasiP2& wasi);
Expected<void> add_filesystem_preopens(component::Linker& linker, WasiP2& wasi);
Expected<void> add_sockets(component::Linker& linker, WasiP2& wasi);  // sockets_network.cpp

}  // namespace wasmrun::wasi::p2
