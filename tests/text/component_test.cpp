#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "text/wat.h"

using namespace wasmrun::text;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes wat(std::string_view source) {
  auto binary = parse_wat(source, "c.wat");
  if (!binary) FAIL(binary.error().message);
  return binary.take();
}

std::string wat_error(std::string_view source) {
  auto binary = parse_wat(source, "c.wat");
  REQUIRE(!binary.ok());
  return binary.error().message;
}

// The component preamble (Binary.md: version 0x0d, layer 1) followed by sections.
Bytes component(std::initializer_list<uint8_t> sections) {
  Bytes b{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
  b.insert(b.end(), sections);
  return b;
}

bool contains(const Bytes& haystack, const Bytes& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

}  // namespace

TEST_CASE("an empty component and a nested core module") {
  CHECK(wat("(component)") == component({}));
  CHECK(wat("(component (core module))") ==
        component({0x01, 0x08, 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}));
}

TEST_CASE("an import with an inline function type gets a type definition first") {
  CHECK(wat("(component (import \"f\" (func (param \"x\" u32) (result string))))") ==
        component({
            0x07, 0x08, 0x01, 0x40, 0x01, 0x01, 'x', 0x79, 0x00, 0x73,  // (func (param "x" u32) (result string))
            0x0a, 0x06, 0x01, 0x00, 0x01, 'f', 0x01, 0x00,              // import "f" (func (type 0))
        }));
}

TEST_CASE("lifting with an inline export alias and an inline export") {
  Bytes b = wat(
      "(component"
      "  (core module $m (func (export \"f\")))"
      "  (core instance $i (instantiate $m))"
      "  (func (export \"g\") (canon lift (core func $i \"f\"))))");
  Bytes tail = {
      0x02, 0x04, 0x01, 0x00, 0x00, 0x00,                    // core instance: instantiate module 0
      0x07, 0x05, 0x01, 0x40, 0x00, 0x01, 0x00,              // type (func)
      0x06, 0x07, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 'f',   // alias core export 0 "f" (core func)
      0x08, 0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,        // canon lift (core func 0) (type 0)
      0x0b, 0x07, 0x01, 0x00, 0x01, 'g', 0x01, 0x00, 0x00,   // export "g" (func 0), last
  };
  REQUIRE(b.size() > tail.size());
  CHECK(Bytes(b.end() - long(tail.size()), b.end()) == tail);
}

TEST_CASE("a name from an enclosing scope is aliased in once") {
  Bytes b = wat("(component $C (type $t u32) (component (type (list $t)) (type (option $t))))");
  Bytes nested = {
      0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00,
      0x06, 0x05, 0x01, 0x03, 0x02, 0x01, 0x00,        // alias outer 1 0 (type)
      0x07, 0x05, 0x02, 0x70, 0x00, 0x6b, 0x00,        // (list 0) (option 0)
  };
  Bytes expected = component({0x07, 0x02, 0x01, 0x79, 0x04, uint8_t(nested.size())});
  expected.insert(expected.end(), nested.begin(), nested.end());
  CHECK(b == expected);
  CHECK(wat_error("(component (core func $f (canon waitable-set.new)) (component (export \"f\" (core func $f))))")
            .find("cannot be aliased") != std::string::npos);
}

TEST_CASE("import names with attributes, and canonical built-ins") {
  CHECK(contains(wat("(component (import \"a\" (implements \"a:b/c\") (instance)))"),
                 {0x0a, 0x0e, 0x01, 0x02, 0x01, 'a', 0x01, 0x00, 0x05, 'a', ':', 'b', '/', 'c', 0x05, 0x00}));
  CHECK(contains(wat("(component (core func (canon waitable-set.wait cancellable (memory 0))))"),
                 {0x08, 0x04, 0x01, 0x20, 0x01, 0x00}));
  CHECK(contains(wat("(component (type $s (stream u8)) (core func (canon stream.read $s async)))"),
                 {0x08, 0x05, 0x01, 0x0f, 0x00, 0x01, 0x06}));
  CHECK(contains(wat("(component (type $r (resource (rep i32))) (core func (canon resource.drop $r)))"),
                 {0x07, 0x04, 0x01, 0x3f, 0x7f, 0x00, 0x08, 0x03, 0x01, 0x03, 0x00}));
  CHECK(wat_error("(component (import \"a\" (implements \"x:y/z\") (implements \"x:y/z\") (instance)))")
            .find("second implements") != std::string::npos);
}

TEST_CASE("component types declare imports, exports and their own types") {
  Bytes b = wat(
      "(component (type (instance (export \"r\" (type $r (sub resource)))"
      " (export \"f\" (func (param \"x\" (own $r)))))))");
  CHECK(b == component({
                 0x07, 0x1a, 0x01, 0x42, 0x04,
                 0x04, 0x00, 0x01, 'r', 0x03, 0x01,                          // export "r" (type (sub resource))
                 0x01, 0x69, 0x00,                                           // type (own 0)
                 0x01, 0x40, 0x01, 0x01, 'x', 0x01, 0x01, 0x00,              // type (func (param "x" 1))
                 0x04, 0x00, 0x01, 'f', 0x01, 0x02,                          // export "f" (func (type 2))
             }));
  CHECK(wat_error("(component (type (instance (core module))))").find("not allowed in a type") != std::string::npos);
}
