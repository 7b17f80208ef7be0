// The example wasi:http components of tests/guests/components (C freestanding, C with wasi-libc
// and the preview1 adapter, JavaScript with componentize-js), built by
// tests/guests/build-components, instantiated through the public component API with a minimal
// wasi:http/types host written here on the WIT bindings' types, and called: each answers a GET
// of /x. The folder is GUEST_COMPONENTS_DIR, or WASMRUN_GUEST_COMPONENTS when set; the test
// skips with a message when the components are not built.
//
// The JavaScript component's core module (SpiderMonkey, ~14 MB) is compiled at opt_level 0
// (~2 minutes at the default 2 on a 2-core machine) into a code cache in the build folder, so
// runs after the first load it from there.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "wasmrun/component/linker.h"
#include "wasmrun/component/resource_table.h"
#include "wit/wasi_http.h"
#include "wit/wasi_http_traits.h"

using namespace wasmrun;
using namespace wasmrun::component;
namespace http = bindings::wasi::http::types;
namespace streams = bindings::wasi::io::streams;
namespace poll = bindings::wasi::io::poll;

namespace {

using FieldList = std::vector<std::tuple<std::string, std::vector<uint8_t>>>;

struct FieldsObject {
  FieldList entries;
};
struct RequestObject {
  http::Method method;
  std::string path;
};
struct ResponseObject {
  uint16_t status = 200;
  FieldList headers;
};
struct OutparamObject {};
struct BodyObject {};
struct StreamObject {
  bool body = false;  // the response body's stream, not stdin, stdout or stderr
};
struct PollableObject {};

// Just enough of wasi:http/types and wasi:io for a handler that answers from memory. What the
// response carries ends up in the members below.
class TestHttpHost {
 public:
  ResourceTable table;
  std::optional<uint16_t> status;
  FieldList headers;
  std::string body;
  bool finished = false;
  size_t std_streams = 0;  // stdin, stdout and stderr handed out (a guest may keep them)

  void add_to(Linker& linker) {
    auto types = linker.instance("wasi:http/types@0.2.12");
    auto drop = [this, &types]<class T, class O>(const char* name) {
      REQUIRE(types.resource<T>(name, [this](Resource<T> r) { table.remove(Resource<O>{r.rep}); }).ok());
    };
    drop.template operator()<http::Fields, FieldsObject>("fields");
    drop.template operator()<http::IncomingRequest, RequestObject>("incoming-request");
    drop.template operator()<http::OutgoingResponse, ResponseObject>("outgoing-response");
    drop.template operator()<http::ResponseOutparam, OutparamObject>("response-outparam");
    drop.template operator()<http::OutgoingBody, BodyObject>("outgoing-body");

    REQUIRE(types.func_wrap("[constructor]fields", [this]() { return as<http::Fields>(table.push(FieldsObject{})); }).ok());
    REQUIRE(types.func_wrap("[static]fields.from-list", [this](FieldList entries) {
                   return Result<Resource<http::Fields>, http::HeaderError>::ok(
                       as<http::Fields>(table.push(FieldsObject{std::move(entries)})));
                 }).ok());
    REQUIRE(types.func_wrap("[method]fields.append",
                            [this](Borrow<http::Fields> self, std::string name, std::vector<uint8_t> value) {
                              fields(self).entries.emplace_back(std::move(name), std::move(value));
                              return Result<std::monostate, http::HeaderError>::ok({});
                            }).ok());
    REQUIRE(types.func_wrap("[method]fields.set", [this](Borrow<http::Fields> self, std::string name,
                                                         std::vector<std::vector<uint8_t>> values) {
                   auto& e = fields(self).entries;
                   std::erase_if(e, [&](const auto& entry) { return std::get<0>(entry) == name; });
                   for (auto& v : values) e.emplace_back(name, std::move(v));
                   return Result<std::monostate, http::HeaderError>::ok({});
                 }).ok());
    REQUIRE(types.func_wrap("[method]fields.entries", [this](Borrow<http::Fields> self) { return fields(self).entries; }).ok());
    REQUIRE(types.func_wrap("[method]incoming-request.method",
                            [this](Borrow<http::IncomingRequest> self) { return request(self).method; }).ok());
    REQUIRE(types.func_wrap("[method]incoming-request.path-with-query", [this](Borrow<http::IncomingRequest> self) {
                   return std::optional<std::string>(request(self).path);
                 }).ok());
    REQUIRE(types.func_wrap("[method]incoming-request.scheme", [](Borrow<http::IncomingRequest>) {
                   return std::optional<http::Scheme>(http::Scheme::http());
                 }).ok());
    REQUIRE(types.func_wrap("[method]incoming-request.authority", [](Borrow<http::IncomingRequest>) {
                   return std::optional<std::string>("localhost");
                 }).ok());
    REQUIRE(types.func_wrap("[method]fields.get", [this](Borrow<http::Fields> self, std::string name) {
                   std::vector<std::vector<uint8_t>> out;
                   for (const auto& [n, v] : fields(self).entries) {
                     if (n == name) out.push_back(v);
                   }
                   return out;
                 }).ok());
    REQUIRE(types.func_wrap("[method]fields.clone", [this](Borrow<http::Fields> self) {
                   return as<http::Fields>(table.push(fields(self)));
                 }).ok());
    REQUIRE(types.func_wrap("[method]fields.has", [this](Borrow<http::Fields> self, std::string name) {
                   return std::ranges::any_of(fields(self).entries, [&](const auto& e) { return std::get<0>(e) == name; });
                 }).ok());
    REQUIRE(types.func_wrap("[method]outgoing-response.headers", [this](Borrow<http::OutgoingResponse> self) {
                   return as<http::Fields>(table.push(FieldsObject{table.get(Borrow<ResponseObject>{self.rep})->headers}));
                 }).ok());
    REQUIRE(types.func_wrap("[method]incoming-request.headers", [this](Borrow<http::IncomingRequest>) {
                   return as<http::Fields>(table.push(FieldsObject{}));
                 }).ok());
    REQUIRE(types.func_wrap("[constructor]outgoing-response", [this](Resource<http::Fields> h) {
                   ResponseObject r;
                   if (auto f = table.remove(Resource<FieldsObject>{h.rep})) r.headers = std::move(f->entries);
                   return as<http::OutgoingResponse>(table.push(std::move(r)));
                 }).ok());
    REQUIRE(types.func_wrap("[method]outgoing-response.set-status-code",
                            [this](Borrow<http::OutgoingResponse> self, uint16_t code) {
                              table.get(Borrow<ResponseObject>{self.rep})->status = code;
                              return Result<std::monostate, std::monostate>::ok({});
                            }).ok());
    REQUIRE(types.func_wrap("[method]outgoing-response.body", [this](Borrow<http::OutgoingResponse>) {
                   return Result<Resource<http::OutgoingBody>, std::monostate>::ok(
                       as<http::OutgoingBody>(table.push(BodyObject{})));
                 }).ok());
    REQUIRE(types.func_wrap("[method]outgoing-body.write", [this](Borrow<http::OutgoingBody>) {
                   return Result<Resource<streams::OutputStream>, std::monostate>::ok(
                       as<streams::OutputStream>(table.push(StreamObject{true})));
                 }).ok());
    REQUIRE(types.func_wrap("[static]outgoing-body.finish",
                            [this](Resource<http::OutgoingBody> self, std::optional<Resource<http::Fields>>) {
                              table.remove(Resource<BodyObject>{self.rep});
                              finished = true;
                              return Result<std::monostate, http::ErrorCode>::ok({});
                            }).ok());
    REQUIRE(types.func_wrap("[static]response-outparam.set",
                            [this](Resource<http::ResponseOutparam> param,
                                   Result<Resource<http::OutgoingResponse>, http::ErrorCode> response) -> TrapOr<void> {
                              table.remove(Resource<OutparamObject>{param.rep});
                              if (!response.is_ok()) return wasmrun::Trap{TrapCode::HostError, "the guest answered with an error"};
                              auto r = table.remove(Resource<ResponseObject>{response.value().rep});
                              status = r->status;
                              headers = r->headers;
                              return {};
                            }).ok());

    auto io = linker.instance("wasi:io/streams@0.2.12");
    REQUIRE(io.resource<streams::OutputStream>("output-stream", [this](Resource<streams::OutputStream> r) {
                table.remove(Resource<StreamObject>{r.rep});
              }).ok());
    using WriteResult = Result<std::monostate, streams::StreamError>;
    REQUIRE(io.resource<streams::InputStream>("input-stream", [this](Resource<streams::InputStream> r) {
                table.remove(Resource<StreamObject>{r.rep});
              }).ok());
    auto write = [this](Borrow<streams::OutputStream> self, std::vector<uint8_t> bytes) {
      if (table.get(Borrow<StreamObject>{self.rep})->body) body.append(bytes.begin(), bytes.end());
      return WriteResult::ok({});
    };
    REQUIRE(io.func_wrap("[method]output-stream.blocking-write-and-flush", write).ok());
    REQUIRE(io.func_wrap("[method]output-stream.write", write).ok());
    REQUIRE(io.func_wrap("[method]output-stream.check-write", [](Borrow<streams::OutputStream>) {
                return Result<uint64_t, streams::StreamError>::ok(65536);
              }).ok());
    auto flush = [](Borrow<streams::OutputStream>) { return WriteResult::ok({}); };
    REQUIRE(io.func_wrap("[method]output-stream.flush", flush).ok());
    REQUIRE(io.func_wrap("[method]output-stream.blocking-flush", flush).ok());
    REQUIRE(io.func_wrap("[method]output-stream.subscribe", [this](Borrow<streams::OutputStream>) {
                return as<poll::Pollable>(table.push(PollableObject{}));
              }).ok());

    auto output = [this] {
      ++std_streams;
      return as<streams::OutputStream>(table.push(StreamObject{}));
    };
    REQUIRE(linker.instance("wasi:cli/stdout@0.2.12").func_wrap("get-stdout", output).ok());
    REQUIRE(linker.instance("wasi:cli/stderr@0.2.12").func_wrap("get-stderr", output).ok());
    REQUIRE(linker.instance("wasi:cli/stdin@0.2.12").func_wrap("get-stdin", [this] {
                   ++std_streams;
                   return as<streams::InputStream>(table.push(StreamObject{}));
                 }).ok());

    // What the preview1 adapter asks for when it starts: no preopened directories, no
    // environment, no arguments.
    struct Descriptor {};
    REQUIRE(linker.instance("wasi:filesystem/preopens@0.2.12").func_wrap("get-directories", [] {
                   return std::vector<std::tuple<Resource<Descriptor>, std::string>>{};
                 }).ok());
    auto environment = linker.instance("wasi:cli/environment@0.2.12");
    REQUIRE(environment.func_wrap("get-environment", [] { return std::vector<std::tuple<std::string, std::string>>{}; }).ok());
    REQUIRE(environment.func_wrap("get-arguments", [] { return std::vector<std::string>{}; }).ok());

    // What componentize-js asks for.
    REQUIRE(linker.instance("wasi:clocks/monotonic-clock@0.2.12").func_wrap("now", [] { return uint64_t(1); }).ok());
    REQUIRE(linker.instance("wasi:clocks/wall-clock@0.2.12").func_wrap("now", [] {
                   return bindings::wasi::clocks::wall_clock::Datetime{1700000000, 0};
                 }).ok());
    REQUIRE(linker.instance("wasi:random/random@0.2.12").func_wrap("get-random-bytes", [](uint64_t n) {
                   return std::vector<uint8_t>(n, 4);
                 }).ok());
    REQUIRE(linker.instance("wasi:random/random@0.2.12").func_wrap("get-random-u64", [] { return uint64_t(4); }).ok());
    REQUIRE(linker.instance("wasi:random/insecure-seed@0.2.12").func_wrap("insecure-seed", [] {
                   return std::tuple<uint64_t, uint64_t>(4, 4);
                 }).ok());

    auto polls = linker.instance("wasi:io/poll@0.2.12");
    REQUIRE(polls.resource<poll::Pollable>("pollable", [this](Resource<poll::Pollable> r) {
                   table.remove(Resource<PollableObject>{r.rep});
                 }).ok());
    REQUIRE(polls.func_wrap("[method]pollable.ready", [](Borrow<poll::Pollable>) { return true; }).ok());
    REQUIRE(polls.func_wrap("[method]pollable.block", [](Borrow<poll::Pollable>) {}).ok());
    REQUIRE(polls.func_wrap("poll", [](std::vector<Borrow<poll::Pollable>> in) {
                   std::vector<uint32_t> ready(in.size());
                   for (uint32_t i = 0; i < ready.size(); ++i) ready[i] = i;
                   return ready;
                 }).ok());
  }

  // What the test hands the guest's handler.
  Resource<http::IncomingRequest> make_request(std::string path) {
    return as<http::IncomingRequest>(table.push(RequestObject{http::Method::get(), std::move(path)}));
  }
  Resource<http::ResponseOutparam> make_outparam() { return as<http::ResponseOutparam>(table.push(OutparamObject{})); }

 private:
  // The table's handle of the object, as the handle of the resource type R it stands for.
  template <class R, class O>
  static Resource<R> as(Expected<Resource<O>> r) {
    return Resource<R>{r.take().rep};
  }
  template <class R>
  FieldsObject& fields(Borrow<R> b) {
    return *table.get(Borrow<FieldsObject>{b.rep});
  }
  RequestObject& request(Borrow<http::IncomingRequest> b) { return *table.get(Borrow<RequestObject>{b.rep}); }
};

std::filesystem::path components_dir() {
  if (const char* dir = std::getenv("WASMRUN_GUEST_COMPONENTS")) return dir;
  return GUEST_COMPONENTS_DIR;
}

struct Served {
  uint16_t status = 0;
  std::string body;
  std::string content_type;
  size_t leftover = 0;  // host objects the guest still holds, standard streams aside
};

Served serve(const Engine& engine, const std::filesystem::path& file, const std::string& path) {
  auto component = Component::from_file(engine, file.string());
  REQUIRE_MESSAGE(component.ok(), (component ? "" : component.error().message));
  TestHttpHost host;
  Linker linker(engine);
  host.add_to(linker);
  // The adapter and componentize-js import far more of WASI than a GET of /x uses.
  REQUIRE(linker.define_unknown_imports_as_traps(*component).ok());
  auto pre = linker.instantiate_pre(*component);
  REQUIRE_MESSAGE(pre.ok(), (pre ? "" : pre.error().message));
  Store store(engine);
  auto instance = pre->instantiate(store);
  REQUIRE_MESSAGE(instance.ok(), (instance ? "" : instance.error().message));
  auto handle = instance->get_typed_func<void(Resource<http::IncomingRequest>, Resource<http::ResponseOutparam>)>(
      "wasi:http/incoming-handler@0.2.0", "handle");
  REQUIRE_MESSAGE(handle.ok(), (handle ? "" : handle.error().message));
  auto called = handle->call(host.make_request(path), host.make_outparam());
  REQUIRE_MESSAGE(called.ok(), (called ? "" : called.error().message));
  CHECK(host.finished);
  Served s;
  s.status = host.status.value_or(0);
  s.body = host.body;
  s.leftover = host.table.size() - host.std_streams;
  for (const auto& [name, value] : host.headers) {
    if (name == "content-type") s.content_type.assign(value.begin(), value.end());
  }
  return s;
}

}  // namespace

TEST_CASE("guest components answer a request through the public component API") {
  auto dir = components_dir();
  if (!std::filesystem::exists(dir / "c-hello.wasm")) {
    MESSAGE("skipped: no built guest components in " << dir.string() << " (run tests/guests/build-components)");
    return;
  }
  Config config;
  config.opt_level = 0;  // the JavaScript engine compiles ~20x faster
  config.cache_dir = (std::filesystem::path(GUEST_CACHE_DIR)).string();
  auto engine = Engine::create(config).take();

  SUBCASE("freestanding C") {
    auto s = serve(engine, dir / "c-hello-freestanding.wasm", "/x");
    CHECK(s.status == 200);
    CHECK(s.content_type == "text/plain");
    CHECK(s.body == "hello from freestanding C, path=/x\n");
    CHECK(s.leftover == 0);  // every resource it got was dropped, the request too
  }
  SUBCASE("C with wasi-libc and the preview1 adapter") {
    auto s = serve(engine, dir / "c-hello.wasm", "/x");
    CHECK(s.status == 200);
    CHECK(s.body == "hello from C, path=/x\n");
    CHECK(s.leftover == 0);
  }
  SUBCASE("component text") {
    auto s = serve(engine, dir / "wat-hello.wasm", "/x");
    CHECK(s.status == 200);
    CHECK(s.body == "hello from WAT\n");
    CHECK(s.leftover == 0);
  }
  SUBCASE("JavaScript (componentize-js)") {
    auto start = std::chrono::steady_clock::now();
    auto s = serve(engine, dir / "js-hello.wasm", "/x");
    MESSAGE("js-hello: compiled (or loaded from the code cache), instantiated and served in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s");
    CHECK(s.status == 200);
    CHECK(s.content_type == "text/plain");
    CHECK(s.body == "hello from js\n");
  }
}
