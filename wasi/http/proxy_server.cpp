#include "wasi/http/proxy_server.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "wasi/http/objects.h"
#include "wasi/p2/loop_waiter.h"
#include "wasmrun/component/instance.h"
#include "wasmrun/component/linker.h"
#include "wasmrun/fiber.h"
#include "wasmrun/instance_pre.h"

namespace wasmrun::wasi::http {

namespace {

using ::wasmrun::http::Clock;
using ::wasmrun::http::EventLoop;
using ::wasmrun::http::ServerExchange;

constexpr auto kEpochTick = std::chrono::milliseconds(10);
// A guest's fiber stack: the default wasm stack budget (1 MiB) and the host's reserve, with room.
constexpr size_t kFiberStack = size_t(2) << 20;
constexpr const char* kHandlerInterface = "wasi:http/incoming-handler@0.2.0";
// The most core instances one instantiation of a served component may take from its loop's pool
// (a C component has one to three, componentize-js's four).
constexpr uint32_t kProbeSlots = 64;
// Empty resource tables a loop keeps for its next requests (their storage grown already).
constexpr size_t kSpareTables = 256;

class LoopHost;

// One request's guest: its store, its resource table and the fiber it runs on.
struct RequestRun : std::enable_shared_from_this<RequestRun> {
  RequestRun(std::shared_ptr<ServerExchange> ex, const Engine& engine, component::ResourceTable t)
      : exchange(std::move(ex)), table(std::move(t)), store(engine), start(Clock::now()) {}
  std::shared_ptr<ServerExchange> exchange;
  component::ResourceTable table;
  Store store;
  std::optional<Fiber> fiber;
  Clock::time_point start;
  std::optional<::wasmrun::http::Timer> deadline;
  bool timed_out = false;
};

// A guest on its fiber waits on the loop (suspended; the loop resumes it through its host).
// Off a fiber — a guest instantiated on the loop's own stack, as when a loop's host is created
// inside a request's callback — it waits with poll(2) in place, never running the loop from
// inside one of its callbacks.
class ServeWaiter final : public p2::Waiter {
 public:
  ServeWaiter(EventLoop& loop, p2::LoopWaiter::Resumer resume) : on_loop_(loop, std::move(resume)) {}
  std::vector<uint32_t> wait(std::span<p2::Pollable* const> ps) override {
    return Fiber::current() ? on_loop_.wait(ps) : in_place_.wait(ps);
  }

 private:
  p2::LoopWaiter on_loop_;
  p2::PollWaiter in_place_;
};

}  // namespace

struct ProxyServer::Shared {
  Shared(Engine e, const Component* c, ProxyConfig cfg, std::shared_ptr<Stats> s)
      : engine(std::move(e)), component(c), config(std::move(cfg)), stats(std::move(s)) {}
  Engine engine;
  const Component* component;
  ProxyConfig config;
  std::shared_ptr<Stats> stats;
  std::atomic<uint64_t> in_flight{0};
  std::mutex hosts_mutex;
  std::unordered_map<EventLoop*, std::unique_ptr<LoopHost>> hosts;

  Expected<LoopHost*> host_for(EventLoop& loop);
};

namespace {

// The access log's line: date, method, path, status (0: none was sent), body bytes, time taken.
void log_access(std::FILE* log, ServerExchange& ex, Clock::time_point start) {
  const auto& req = ex.request();
  int status = ex.responded() ? ex.response().status : 0;
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  fmt::print(log, "{} {} {} {} {} {}.{:03}ms\n", ex.loop().http_date(), req.method, req.path, status,
             ex.response_body().total_written(), micros / 1000, micros % 1000);
  std::fflush(log);
}

// What one loop keeps for its guests: the WASI contexts, the linker and the InstancePre.
class LoopHost {
 public:
  static Expected<std::unique_ptr<LoopHost>> create(ProxyServer::Shared& shared, EventLoop& loop) {
    std::unique_ptr<LoopHost> h(new LoopHost(shared, loop));
    auto wasi = p2::WasiP2::create(shared.config.wasi);
    if (!wasi) return wasi.error();
    h->wasi_ = wasi.take();
    h->wasi_->set_waiter(&h->waiter_);
    h->http_ = std::make_unique<WasiHttp>(*h->wasi_, loop, shared.config.http);
    h->linker_.emplace(shared.engine);
    auto wasi_added = shared.config.cli ? h->wasi_->add_to_linker(*h->linker_)
                                        : h->wasi_->add_proxy_interfaces_to_linker(*h->linker_);
    if (!wasi_added) return wasi_added.error();
    if (auto ok = h->http_->add_to_linker(*h->linker_); !ok) return ok.error();
    // What the host does not offer (wasi:sockets, or wasi:cli's without `cli`) traps when called.
    if (auto ok = h->linker_->define_unknown_imports_as_traps(*shared.component); !ok) return ok.error();
    // Core instances come from a pool of slots (memories reset, not unmapped); a component the
    // pool cannot hold (a table or an instance context past its bounds) goes without. A probe
    // pool, with room for any component's core instances, finds how many slots one instance of
    // the component takes.
    if (auto probe = PoolingAllocator::create(pool_config(shared.config, kProbeSlots, 1))) {
      auto probe_pre = h->linker_->instantiate_pre(*shared.component, &*probe);
      if (!probe_pre) return probe_pre.error();
      if (auto slots = h->try_instantiate(*probe_pre, &*probe); slots && *slots > 0) {
        auto pool = PoolingAllocator::create(pool_config(shared.config, *slots, 0));
        if (pool) {
          h->pool_.emplace(pool.take());
          auto pre = h->linker_->instantiate_pre(*shared.component, &*h->pool_);
          if (!pre) return pre.error();
          h->pre_.emplace(pre.take());
          return h;
        }
      }
    }
    auto pre = h->linker_->instantiate_pre(*shared.component);
    if (!pre) return pre.error();
    if (auto tried = h->try_instantiate(*pre, nullptr); !tried) return tried.error();
    h->pre_.emplace(pre.take());
    return h;
  }

  // The pool of one loop: room for `requests` instances of `slots_per_request` slots each (0:
  // as many requests as a loop should hold at once), within the address space (each slot
  // reserves 8 GiB for its memory and guard: at most 8192 slots, 64 TiB, over all loops).
  static PoolingConfig pool_config(const ProxyConfig& config, uint32_t slots_per_request, uint32_t requests) {
    PoolingConfig p;
    uint32_t threads = uint32_t(std::max(1, config.server.threads));
    if (requests == 0) requests = std::clamp<uint32_t>(4096 / threads, 64, 1000);
    p.instances = std::max<uint32_t>(1, std::min<uint32_t>(requests * slots_per_request, 8192 / threads));
    if (config.limits.max_memory_size)
      p.max_memory_bytes = std::min<uint64_t>(*config.limits.max_memory_size, p.max_memory_bytes);
    p.max_tables = 4;
    p.max_table_elements = 1u << 20;
    p.instance_bytes = size_t(4) << 20;
    // The pages a request's guest wrote are reset in place, so the next request in the slot
    // takes no page fault on them (a C guest writes a few pages, a JavaScript one some hundreds).
    p.keep_resident_bytes = size_t(4) << 20;
    return p;
  }

  // Instantiates once (and drops the instance): what fails for every request fails here. The
  // slots of `pool` the instance took, when it has one.
  Expected<uint32_t> try_instantiate(const component::InstancePre& pre, const PoolingAllocator* pool) {
    Store store(shared_.engine);
    store.set_limits(shared_.config.limits);
    auto instance = pre.instantiate(store);
    if (!instance) return instance.error();
    return pool ? pool->in_use() : 0;
  }

  EventLoop& loop() { return loop_; }
  WasiHttp& http() { return *http_; }
  ProxyServer::Shared& shared() { return shared_; }

  // Starts a request's guest on a fiber of its own.
  void serve(std::shared_ptr<ServerExchange> exchange) {
    auto run = std::make_shared<RequestRun>(std::move(exchange), shared_.engine, take_table());
    run->store.set_limits(shared_.config.limits);
    // The callbacks below hold the run by address (two pointers: no allocation): the timer is
    // the run's, and finish() takes the cancel callback back from the exchange, which may
    // outlive the run.
    RequestRun* r = run.get();
    if (shared_.config.request_timeout) {
      auto ticks = uint64_t(*shared_.config.request_timeout / kEpochTick) + 1;
      run->store.set_epoch_deadline(ticks);
      run->deadline.emplace(loop_, [this, r] {
        // A running guest meets the deadline at its next epoch check; a waiting one is let go.
        r->timed_out = true;
        r->store.set_epoch_deadline(0);
        abandon_later(r->weak_from_this());
      });
      run->deadline->arm_after(std::chrono::duration_cast<Clock::duration>(*shared_.config.request_timeout));
    }
    // The peer went away: a guest waiting for something is let go (its body calls fail anyway).
    run->exchange->set_on_cancel([this, r] { abandon_later(r->weak_from_this()); });
    auto fiber = Fiber::create([this, r = run.get()] { run_guest(*r); }, kFiberStack);
    if (!fiber) {
      failed(*run, fiber.error());
      finish(*run);
      return;
    }
    run->fiber.emplace(fiber.take());
    shared_.stats->requests.fetch_add(1, std::memory_order_relaxed);
    add_run(std::move(run));
    resume(*r);
  }

  // Runs a guest until it waits or returns, with its resource table as the hosts' table (the
  // table in place before comes back after, should one guest's resumption run inside another's).
  void resume(RequestRun& run) {
    component::ResourceTable& before = wasi_->table();
    wasi_->set_table(&run.table);
    run.fiber->resume();
    wasi_->set_table(&before);
    if (run.fiber->done()) end(run);
  }

  // Lets a guest that waits go, after the loop's current batch (never from inside the fiber):
  // destroying its fiber makes the host call it waits in fail, so it traps out of its handler.
  // On the loop's stack a guest's fiber that is not done is suspended, and only its waiter
  // suspends it.
  void abandon_later(std::weak_ptr<RequestRun> weak) {
    loop_.defer([this, weak] {
      auto r = weak.lock();
      if (!r || !r->fiber || r->fiber->done()) return;
      const Fiber* key = &*r->fiber;
      component::ResourceTable& before = wasi_->table();
      wasi_->set_table(&r->table);
      r->fiber.reset();
      wasi_->set_table(&before);
      end(*r, key);
    });
  }

  // Guests still waiting when the loop's thread ends: their fibers may be neither resumed nor
  // destroyed off their thread, so they are left as they are (the process is ending).
  ~LoopHost() {
    for (auto& [raw, run] : runs_)
      if (run->fiber && !run->fiber->done()) new std::shared_ptr<RequestRun>(run);
  }

 private:
  LoopHost(ProxyServer::Shared& shared, EventLoop& loop)
      : shared_(shared), loop_(loop), waiter_(loop, [this](Fiber& fiber) { resume_waiting(fiber); }) {}

  // The loop waiter's resumption of a guest whose wait is over.
  void resume_waiting(Fiber& fiber) {
    auto it = runs_.find(&fiber);
    if (it == runs_.end()) return;
    auto keep = it->second;
    resume(*keep);
  }

  // Runs are kept by their fiber's address in runs_, whose nodes are recycled (no allocation
  // per request once the loop has seen as many at once).
  void add_run(std::shared_ptr<RequestRun> run) {
    const Fiber* key = &*run->fiber;
    if (spare_nodes_.empty()) {
      runs_.emplace(key, std::move(run));
      return;
    }
    auto node = std::move(spare_nodes_.back());
    spare_nodes_.pop_back();
    node.key() = key;
    node.mapped() = std::move(run);
    runs_.insert(std::move(node));
  }

  component::ResourceTable take_table() {
    if (spare_tables_.empty()) return component::ResourceTable(shared_.config.wasi.max_resources);
    component::ResourceTable t = std::move(spare_tables_.back());
    spare_tables_.pop_back();
    return t;
  }

  void end(RequestRun& run) { end(run, &*run.fiber); }
  // `key`: the address the run's fiber had (the fiber may be gone).
  void end(RequestRun& run, const Fiber* key) {
    auto it = runs_.find(key);
    if (it == runs_.end()) return;
    auto node = runs_.extract(it);
    auto keep = std::move(node.mapped());
    spare_nodes_.push_back(std::move(node));
    finish(run);
    // A guest that dropped every handle leaves its table empty, to be reused; the run is over
    // and uses its (moved-from) table no more.
    if (run.table.size() == 0 && spare_tables_.size() < kSpareTables) spare_tables_.push_back(std::move(run.table));
  }

  // On the guest's fiber.
  void run_guest(RequestRun& run) {
    ServerExchange& ex = *run.exchange;
    auto instance = pre_->instantiate(run.store);
    if (!instance && is_pool_exhausted(instance.error())) {
      shared_.stats->rejected.fetch_add(1, std::memory_order_relaxed);
      ex.respond(503, {{"content-type", "text/plain"}, {"retry-after", "1"}}, "503 Service Unavailable\n");
      return;
    }
    if (!instance) return failed(run, instance.error());
    auto handle = instance->get_typed_func<void(component::Resource<wit::IncomingRequest>,
                                                component::Resource<wit::ResponseOutparam>)>(kHandlerInterface, "handle");
    if (!handle) return failed(run, handle.error());
    auto request = http_->new_incoming_request(run.exchange);
    if (!request) return failed(run, Error{request.trap().message});
    auto outparam = http_->new_response_outparam(run.exchange);
    if (!outparam) return failed(run, Error{outparam.trap().message});
    auto called = handle->call(*request, *outparam);
    if (!called) return failed(run, called.error());
    if (!ex.responded()) {
      log_error(run, "the guest returned without calling response-outparam.set");
      ex.respond(500, {}, "");
      return;
    }
    auto& body = ex.response_body();
    if (!body.finished() && !body.failed()) {
      log_error(run, "the guest returned before finishing the response body");
      body.fail(::wasmrun::http::ErrorCode::make(::wasmrun::http::ErrorKind::internal_error, "response body unfinished"));
    }
  }

  void failed(RequestRun& run, const Error& error) {
    shared_.stats->traps.fetch_add(1, std::memory_order_relaxed);
    std::string what = error.message;
    bool interrupted = error.trap && error.trap->code == TrapCode::Interrupted;
    ServerExchange& ex = *run.exchange;
    if (run.timed_out || (interrupted && shared_.config.request_timeout)) {
      what = "the guest ran past --request-timeout: " + error.message;
    } else if (ex.cancelled()) {
      what = "the peer went away; the guest was stopped: " + error.message;
    }
    if (!ex.responded()) {
      log_error(run, what);
      ex.respond(500, {{"content-type", "text/plain"}}, "500 Internal Server Error\n");
    } else {
      log_error(run, "after the response started (aborted): " + what);
      ex.response_body().fail(::wasmrun::http::ErrorCode::make(::wasmrun::http::ErrorKind::internal_error, what));
    }
  }

  void log_error(RequestRun& run, std::string_view what) {
    if (!shared_.config.error_log) return;
    const auto& req = run.exchange->request();
    fmt::print(shared_.config.error_log, "wasmrun serve: {} {}: {}\n", req.method, req.path, what);
    std::fflush(shared_.config.error_log);
  }

  // On the loop, once the guest returned.
  void finish(RequestRun& run) {
    if (run.deadline) run.deadline->cancel();  // not destroyed: finish may run inside its callback
    run.exchange->set_on_cancel(nullptr);
    shared_.in_flight.fetch_sub(1, std::memory_order_relaxed);
    if (shared_.config.access_log) log_access(shared_.config.access_log, *run.exchange, run.start);
  }

  ProxyServer::Shared& shared_;
  EventLoop& loop_;
  ServeWaiter waiter_;
  std::unique_ptr<p2::WasiP2> wasi_;
  std::unique_ptr<WasiHttp> http_;
  std::optional<component::Linker> linker_;
  std::optional<PoolingAllocator> pool_;  // declared before pre_: outlives it
  std::optional<component::InstancePre> pre_;
  // The guests that run or wait, by their fiber.
  std::unordered_map<const Fiber*, std::shared_ptr<RequestRun>> runs_;
  std::vector<decltype(runs_)::node_type> spare_nodes_;
  std::vector<component::ResourceTable> spare_tables_;
};

}  // namespace

Expected<LoopHost*> ProxyServer::Shared::host_for(EventLoop& loop) {
  thread_local std::pair<Shared*, LoopHost*> cached{nullptr, nullptr};
  if (cached.first == this) return cached.second;
  std::lock_guard lock(hosts_mutex);
  auto it = hosts.find(&loop);
  if (it == hosts.end()) {
    auto h = LoopHost::create(*this, loop);
    if (!h) return h.error();
    it = hosts.emplace(&loop, h.take()).first;
  }
  cached = {this, it->second.get()};
  return it->second.get();
}

Expected<std::unique_ptr<ProxyServer>> ProxyServer::start(const Engine& engine, const Component& component,
                                                          ProxyConfig config) {
  std::unique_ptr<ProxyServer> server(new ProxyServer());
  server->stats_ = std::make_shared<Stats>();
  auto shared = std::make_shared<Shared>(engine, &component, std::move(config), server->stats_);
  server->shared_ = shared;

  // Link and instantiate once before serving, so a component that is no proxy, or does not
  // instantiate, fails here.
  {
    auto loop = EventLoop::create();
    if (!loop) return loop.error();
    auto host = LoopHost::create(*shared, **loop);
    if (!host) return host.error();
    auto exports = component.export_names();
    bool has_handler = false;
    for (const auto& e : exports)
      if (e.starts_with("wasi:http/incoming-handler@0.2.")) has_handler = true;
    if (!has_handler) return Error{"the component exports no wasi:http/incoming-handler@0.2.x: it is not a wasi:http/proxy"};
  }

  if (shared->config.request_timeout) {
    server->ticker_ = std::thread([s = server.get(), engine = shared->engine]() mutable {
      while (!s->stop_ticker_.load(std::memory_order_relaxed)) {
        std::this_thread::sleep_for(kEpochTick);
        engine.increment_epoch();
      }
    });
  }

  auto handler = [shared](std::shared_ptr<ServerExchange> exchange) {
    auto host = shared->host_for(exchange->loop());
    if (!host) {
      fmt::print(stderr, "wasmrun serve: {}\n", host.error().message);
      exchange->respond(500, {}, "");
      return;
    }
    uint64_t limit = shared->config.max_concurrent_requests;
    if (limit && shared->in_flight.fetch_add(1, std::memory_order_relaxed) >= limit) {
      shared->in_flight.fetch_sub(1, std::memory_order_relaxed);
      shared->stats->rejected.fetch_add(1, std::memory_order_relaxed);
      exchange->respond(503, {{"content-type", "text/plain"}, {"retry-after", "1"}}, "503 Service Unavailable\n");
      if (shared->config.access_log) log_access(shared->config.access_log, *exchange, Clock::now());
      return;
    }
    if (!limit) shared->in_flight.fetch_add(1, std::memory_order_relaxed);
    (*host)->serve(std::move(exchange));
  };
  auto http_server = ::wasmrun::http::Server::start(shared->config.server, handler);
  if (!http_server) {
    server->stop_ticker_ = true;
    if (server->ticker_.joinable()) server->ticker_.join();
    return http_server.error();
  }
  server->server_ = http_server.take();
  return server;
}

void ProxyServer::shutdown(::wasmrun::http::Duration grace) {
  if (server_) server_->shutdown(grace);
}

ProxyServer::~ProxyServer() {
  // The loops' threads end first; then the hosts that live on the loops; then the loops.
  if (server_) server_->shutdown(std::chrono::seconds(0));
  if (shared_) {
    std::lock_guard lock(shared_->hosts_mutex);
    shared_->hosts.clear();
  }
  server_.reset();
  stop_ticker_ = true;
  if (ticker_.joinable()) ticker_.join();
}

}  // namespace wasmrun::wasi::http
