// The generated bindings compiled and used: the headers of every WASI 0.2 package and of
// bindgen/test.wit, a host implementing the test interfaces, and add_to_linker against a
// recording linker that stores each function under its exact C++ signature; and every
// generated signature checked by the typed canonical ABI against the component function type
// of the same name (canon::signature_matches: field and case names and order, flags, handles).
#include <doctest/doctest.h>

#include <algorithm>
#include <any>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "runtime/decode/component_decoder.h"
#include "tests/wit/test_bindings_traits.h"
#include "text/wat.h"
#include "wit/wasi_cli.h"
#include "wit/wasi_clocks.h"
#include "wit/wasi_filesystem.h"
#include "wit/wasi_http.h"
#include "wit/wasi_io.h"
#include "wit/wasi_random.h"
#include "wit/wasi_sockets.h"

using wasmrun::component::Borrow;
using wasmrun::component::Resource;
using wasmrun::component::Result;
using wasmrun::component::TrapOr;

namespace {

template <class Sig>
struct HostSignature;
template <class R, class... Args>
struct HostSignature<R(Args...)> {
  using type = std::function<TrapOr<R>(Args...)>;
};

// The interface add_to_linker expects (see wit/README.md), recording what is defined.
struct RecordingLinker {
  std::map<std::string, std::map<std::string, std::any>> functions;  // interface → name → function
  std::map<std::string, std::vector<std::string>> resources;
  std::vector<std::string> order;

  struct Instance {
    RecordingLinker* linker;
    std::string name;

    template <class Sig, class F>
    wasmrun::Expected<void> func_wrap(const std::string& function, F f) {
      auto& slot = linker->functions[name][function];
      if (slot.has_value()) return wasmrun::Error{"duplicate " + function};
      slot = typename HostSignature<Sig>::type(std::move(f));
      linker->order.push_back(function);
      return {};
    }
    template <class T, class D>
    wasmrun::Expected<void> resource(const std::string& resource, D destructor) {
      linker->resources[name].push_back(resource);
      linker->functions[name]["[resource-drop]" + resource] = std::function<TrapOr<void>(Resource<T>)>(std::move(destructor));
      linker->order.push_back(resource);
      return {};
    }
  };
  Instance instance(const std::string& name) { return Instance{this, name}; }

  // The function as registered; throws std::bad_any_cast when the signature differs.
  template <class Sig>
  typename HostSignature<Sig>::type get(const std::string& iface, const std::string& name) {
    return std::any_cast<typename HostSignature<Sig>::type>(functions.at(iface).at(name));
  }
};

namespace types = bindings::test::bindings::types;
namespace api = bindings::test::bindings::api;

struct TypesHost : types::Host {
  std::vector<uint64_t> counters;
  std::vector<uint32_t> dropped;
  TrapOr<Resource<types::Counter>> counter_new(uint64_t start) override {
    counters.push_back(start);
    return Resource<types::Counter>{uint32_t(counters.size() - 1)};
  }
  TrapOr<uint64_t> counter_add(Borrow<types::Counter> self, uint64_t n) override { return counters.at(self.rep) += n; }
  TrapOr<Result<Resource<types::Counter>, std::string>> counter_merge(Borrow<types::Counter> a,
                                                                     Resource<types::Counter> b) override {
    if (a.rep == b.rep) return Result<Resource<types::Counter>, std::string>::err("same counter");
    counters.at(a.rep) += counters.at(b.rep);
    return Result<Resource<types::Counter>, std::string>::ok(Resource<types::Counter>{a.rep});
  }
  TrapOr<void> counter_drop(Resource<types::Counter> self) override {
    dropped.push_back(self.rep);
    return {};
  }
};

struct ApiHost : api::Host {
  TrapOr<double> area(api::Shape s) override {
    switch (s.which()) {
      case types::Shape::Case::Circle: return 3.0 * std::get<0>(s.v) * std::get<0>(s.v);
      case types::Shape::Case::Rect: {
        auto [a, b] = std::get<1>(s.v);
        return double((b.x - a.x) * (b.y - a.y));
      }
      case types::Shape::Case::Empty: return 0.0;
    }
    return wasmrun::Trap{wasmrun::TrapCode::InvalidDiscriminant, "bad shape"};
  }
  TrapOr<Result<api::Perms, std::string>> classify(api::Point p, std::optional<api::Color> c) override {
    if (!c) return Result<api::Perms, std::string>::err("no color");
    uint32_t bits = types::Perms::read | (*c == api::Color::Blue ? types::Perms::exec : 0u) | (p.x > 0 ? types::Perms::write : 0u);
    return Result<api::Perms, std::string>::ok(api::Perms(bits));
  }
  TrapOr<std::tuple<uint64_t, char32_t, bool>> tally(Borrow<api::Counter> c) override {
    return std::tuple<uint64_t, char32_t, bool>{c.rep, U'\u00e9', true};
  }
  TrapOr<std::vector<uint8_t>> bytes(std::array<uint8_t, 4> b, api::Points p) override {
    std::vector<uint8_t> out(b.begin(), b.end());
    out.push_back(uint8_t(p.size()));
    return out;
  }
  TrapOr<void> delete_() override {
    deleted = true;
    return {};
  }
  bool deleted = false;
};

// A wasi:io/streams host whose every function traps: enough to register it.
struct StreamsHost : bindings::wasi::io::streams::Host {
  using InputStream = bindings::wasi::io::streams::InputStream;
  using OutputStream = bindings::wasi::io::streams::OutputStream;
  using Pollable = bindings::wasi::io::streams::Pollable;
  using Bytes = Result<std::vector<uint8_t>, bindings::wasi::io::streams::StreamError>;
  using Count = Result<uint64_t, bindings::wasi::io::streams::StreamError>;
  using Unit = Result<std::monostate, bindings::wasi::io::streams::StreamError>;
  static wasmrun::Trap trap() { return {wasmrun::TrapCode::HostError, "not implemented"}; }
  TrapOr<Bytes> input_stream_read(Borrow<InputStream>, uint64_t) override { return trap(); }
  TrapOr<Bytes> input_stream_blocking_read(Borrow<InputStream>, uint64_t) override { return trap(); }
  TrapOr<Count> input_stream_skip(Borrow<InputStream>, uint64_t) override { return trap(); }
  TrapOr<Count> input_stream_blocking_skip(Borrow<InputStream>, uint64_t) override { return trap(); }
  TrapOr<Resource<Pollable>> input_stream_subscribe(Borrow<InputStream>) override { return trap(); }
  TrapOr<Count> output_stream_check_write(Borrow<OutputStream>) override { return trap(); }
  TrapOr<Unit> output_stream_write(Borrow<OutputStream>, std::vector<uint8_t>) override { return trap(); }
  TrapOr<Unit> output_stream_blocking_write_and_flush(Borrow<OutputStream>, std::vector<uint8_t>) override { return trap(); }
  TrapOr<Unit> output_stream_flush(Borrow<OutputStream>) override { return trap(); }
  TrapOr<Unit> output_stream_blocking_flush(Borrow<OutputStream>) override { return trap(); }
  TrapOr<Resource<Pollable>> output_stream_subscribe(Borrow<OutputStream>) override { return trap(); }
  TrapOr<Unit> output_stream_write_zeroes(Borrow<OutputStream>, uint64_t) override { return trap(); }
  TrapOr<Unit> output_stream_blocking_write_zeroes_and_flush(Borrow<OutputStream>, uint64_t) override { return trap(); }
  TrapOr<Count> output_stream_splice(Borrow<OutputStream>, Borrow<InputStream>, uint64_t) override { return trap(); }
  TrapOr<Count> output_stream_blocking_splice(Borrow<OutputStream>, Borrow<InputStream>, uint64_t) override { return trap(); }
  TrapOr<void> input_stream_drop(Resource<InputStream>) override { return trap(); }
  TrapOr<void> output_stream_drop(Resource<OutputStream>) override { return trap(); }
};

// A component importing bindgen/test.wit's interfaces, written as WIT tooling encodes them.
const char* kTestComponent = R"((component
  (import "test:bindings/types@1.0.0" (instance $types
    (export "counter" (type $counter (sub resource)))
    (type $pt (record (field "x" s32) (field "y" s32)))
    (export "point" (type $point (eq $pt)))
    (type $sh (variant (case "circle" f64) (case "rect" (tuple $point $point)) (case "empty")))
    (export "shape" (type $shape (eq $sh)))
    (type $co (enum "red" "green" "blue"))
    (export "color" (type $color (eq $co)))
    (type $pe (flags "read" "write" "exec"))
    (export "perms" (type $perms (eq $pe)))
    (type $pts (list $point))
    (export "points" (type $points (eq $pts)))
    (export "[constructor]counter" (func (param "start" u64) (result (own $counter))))
    (export "[method]counter.add" (func (param "self" (borrow $counter)) (param "n" u64) (result u64)))
    (export "[static]counter.merge" (func (param "a" (borrow $counter)) (param "b" (own $counter))
                                          (result (result (own $counter) (error string)))))
  ))
  (alias export $types "counter" (type $counter))
  (alias export $types "point" (type $point))
  (alias export $types "shape" (type $shape))
  (alias export $types "color" (type $color))
  (alias export $types "perms" (type $perms))
  (alias export $types "points" (type $points))
  (import "test:bindings/api@1.0.0" (instance
    (export "point" (type $p (eq $point)))
    (export "shape" (type $s (eq $shape)))
    (export "color" (type $c (eq $color)))
    (export "perms" (type $f (eq $perms)))
    (export "counter" (type $r (eq $counter)))
    (export "points" (type $ps (eq $points)))
    (export "area" (func (param "s" $s) (result f64)))
    (export "classify" (func (param "p" $p) (param "c" (option $c)) (result (result $f (error string)))))
    (export "tally" (func (param "c" (borrow $r)) (result (tuple u64 char bool))))
    (export "bytes" (func (param "b" (list u8 4)) (param "p" $ps) (result (list u8))))
    (export "delete" (func))
  ))
))";

using Check = std::function<bool(const wasmrun::component::FuncType&)>;

// Records, for each function add_to_linker defines, whether its C++ signature matches a
// component function type.
struct SignatureLinker {
  std::map<std::string, std::map<std::string, Check>> checks;  // interface → function → check
  struct Instance {
    SignatureLinker* linker;
    std::string name;
    template <class Sig, class F>
    wasmrun::Expected<void> func_wrap(const std::string& function, F) {
      linker->checks[name][function] = [](const wasmrun::component::FuncType& f) {
        return wasmrun::canon::signature_matches<Sig>(f);
      };
      return {};
    }
    template <class T, class D>
    wasmrun::Expected<void> resource(const std::string&, D) {
      return {};
    }
  };
  Instance instance(const std::string& name) { return Instance{this, name}; }
};

}  // namespace

TEST_CASE("bindgen glue: add_to_linker registers every function under its component name and signature") {
  RecordingLinker linker;
  TypesHost types_host;
  ApiHost api_host;
  REQUIRE(types::add_to_linker(linker, types_host).ok());
  REQUIRE(api::add_to_linker(linker, api_host).ok());
  CHECK(linker.resources["test:bindings/types@1.0.0"] == std::vector<std::string>{"counter"});
  CHECK(linker.order == std::vector<std::string>{"counter", "[constructor]counter", "[method]counter.add",
                                                 "[static]counter.merge", "area", "classify", "tally", "bytes",
                                                 "delete"});
  const std::string t = "test:bindings/types@1.0.0", a = "test:bindings/api@1.0.0";

  auto make = linker.get<Resource<types::Counter>(uint64_t)>(t, "[constructor]counter");
  auto add = linker.get<uint64_t(Borrow<types::Counter>, uint64_t)>(t, "[method]counter.add");
  auto merge = linker.get<Result<Resource<types::Counter>, std::string>(Borrow<types::Counter>, Resource<types::Counter>)>(
      t, "[static]counter.merge");
  auto drop = std::any_cast<std::function<TrapOr<void>(Resource<types::Counter>)>>(
      linker.functions.at(t).at("[resource-drop]counter"));
  auto c0 = make(5), c1 = make(7);
  REQUIRE(c0.ok());
  CHECK(c1->rep == 1);
  CHECK(*add(Borrow<types::Counter>{0}, 10) == 15);
  auto merged = merge(Borrow<types::Counter>{0}, *c1);
  REQUIRE(merged.ok());
  CHECK(merged->is_ok());
  CHECK(types_host.counters[0] == 22);
  CHECK(merge(Borrow<types::Counter>{1}, Resource<types::Counter>{1})->error() == "same counter");
  CHECK(drop(Resource<types::Counter>{1}).ok());
  CHECK(types_host.dropped == std::vector<uint32_t>{1});

  auto area = linker.get<double(api::Shape)>(a, "area");
  CHECK(*area(api::Shape::circle(2.0)) == 12.0);
  CHECK(*area(api::Shape::rect({api::Point{1, 1}, api::Point{4, 3}})) == 6.0);
  CHECK(*area(api::Shape::empty()) == 0.0);
  auto classify = linker.get<Result<api::Perms, std::string>(api::Point, std::optional<api::Color>)>(a, "classify");
  auto perms = classify(api::Point{1, 0}, api::Color::Blue);
  REQUIRE(perms->is_ok());
  CHECK(perms->value().has(types::Perms::read | types::Perms::write | types::Perms::exec));
  CHECK(uint32_t(perms->value()) == 7);
  CHECK(classify(api::Point{0, 0}, std::nullopt)->error() == "no color");
  auto tally = linker.get<std::tuple<uint64_t, char32_t, bool>(Borrow<api::Counter>)>(a, "tally");
  CHECK(std::get<1>(*tally(Borrow<api::Counter>{3})) == U'\u00e9');
  auto bytes = linker.get<std::vector<uint8_t>(std::array<uint8_t, 4>, api::Points)>(a, "bytes");
  CHECK(*bytes({1, 2, 3, 4}, {api::Point{}, api::Point{}}) == std::vector<uint8_t>{1, 2, 3, 4, 2});
  auto del = linker.get<void()>(a, "delete");
  CHECK(del().ok());
  CHECK(api_host.deleted);
  CHECK_THROWS_AS(linker.get<void(int)>(a, "delete"), std::bad_any_cast);
}

TEST_CASE("bindgen glue: a world's imports register in one call, used interfaces first") {
  RecordingLinker linker;
  TypesHost types_host;
  ApiHost api_host;
  namespace app = bindings::test::bindings::app;
  REQUIRE(app::add_imports_to_linker(linker, app::ImportHosts{types_host, api_host}).ok());
  CHECK(linker.order.front() == "counter");
  CHECK(linker.order.back() == "delete");
  CHECK(linker.functions.size() == 2);
}

TEST_CASE("bindgen glue: the WASI 0.2 host interfaces register on a linker") {
  // Every function of wasi:io/streams, by its component name, with the C++ signature of its
  // WIT type; a host is only needed by reference here.
  RecordingLinker linker;
  StreamsHost host;
  REQUIRE(bindings::wasi::io::streams::add_to_linker(linker, host).ok());
  const auto& fs = linker.functions.at("wasi:io/streams@0.2.12");
  CHECK(fs.size() == 17);  // 15 methods, 2 resource destructors
  using namespace bindings::wasi::io::streams;
  CHECK_NOTHROW(linker.get<Result<std::vector<uint8_t>, StreamError>(Borrow<InputStream>, uint64_t)>(
      "wasi:io/streams@0.2.12", "[method]input-stream.read"));
  CHECK(bindings::wasi::http::types::kInterfaceName == std::string("wasi:http/types@0.2.12"));
}

TEST_CASE("bindgen abi: every generated signature matches its component function type") {
  auto binary = wasmrun::text::parse_wat(kTestComponent, "test.wat");
  REQUIRE_MESSAGE(binary.ok(), binary.error().message);
  auto decoded = wasmrun::component::decode_component(*binary);
  REQUIRE_MESSAGE(decoded.component, decoded.error.message);
  SignatureLinker linker;
  TypesHost types_host;
  ApiHost api_host;
  REQUIRE(types::add_to_linker(linker, types_host).ok());
  REQUIRE(api::add_to_linker(linker, api_host).ok());
  size_t checked = 0;
  for (const auto& import : decoded.component->type->imports) {
    REQUIRE(import.type.instance);
    const auto& checks = linker.checks.at(import.name);
    for (const auto& e : import.type.instance->exports) {
      if (e.type.sort != wasmrun::component::Sort::Func) continue;
      INFO(import.name << " " << e.name);
      REQUIRE(checks.count(e.name));
      CHECK(checks.at(e.name)(*e.type.func));
      ++checked;
    }
    CHECK(checks.size() == size_t(std::count_if(import.type.instance->exports.begin(), import.type.instance->exports.end(),
                                                [](const auto& e) { return e.type.sort == wasmrun::component::Sort::Func; })));
  }
  CHECK(checked == 8);
  // The check can fail: area's C++ signature against classify's component type.
  const auto& api_exports = decoded.component->type->imports[1].type.instance->exports;
  auto classify = std::find_if(api_exports.begin(), api_exports.end(), [](const auto& e) { return e.name == "classify"; });
  REQUIRE(classify != api_exports.end());
  CHECK_FALSE(linker.checks.at("test:bindings/api@1.0.0").at("area")(*classify->type.func));
}
