// Strings: decoding and validation, and the spec's realloc protocol for every pair of encodings.
#include "canonical_abi/transcode.h"

#include "fixture.h"

using namespace wasmrun::canon;
using namespace wasmrun::canon::test;
using Enc = StringEncoding;

namespace {

// A string lifted from a guest with `encoding` that holds `bytes` as `tagged_units`.
Val lift_from(Enc encoding, std::string_view bytes, uint32_t tagged_units) {
  Guest src(encoding);
  src.put(256, bytes);
  Cx cx = src.cx();
  FlatValue in[] = {256, tagged_units};
  FlatReader r{in};
  return lift_flat(cx, r, *prim(ValueKind::String));
}

struct Stored {
  GuestString s;
  std::vector<ReallocCall> reallocs;
  std::string bytes;  // the string as it sits in the destination
};

Stored lower_into(Enc encoding, const Val& v) {
  Guest dst(encoding);
  Cx cx = dst.cx();
  FlatValue out[2];
  FlatWriter w{out};
  lower_flat(cx, v, *prim(ValueKind::String), w);
  GuestString s{uint32_t(out[0]), uint32_t(out[1])};
  size_t units = s.tagged_code_units & ~kUtf16Tag;
  size_t unit_size = encoding == Enc::Utf16 || (s.tagged_code_units & kUtf16Tag) ? 2 : 1;
  return {s, dst.reallocs, dst.get(s.ptr, units * unit_size)};
}

const std::string kUtf8 = "h\xc3\xb6\xe2\x98\x83\xf0\x9f\x8d\xb0";   // hö☃🍰: 10 bytes
const std::string kUtf16("h\0\xf6\0\x03\x26\x3c\xd8\x70\xdf", 10);  // 5 code units

}  // namespace

TEST_CASE("strings decode from each encoding") {
  CHECK(lift_from(Enc::Utf8, kUtf8, 10) == Val::string(kUtf8));
  CHECK(lift_from(Enc::Utf16, kUtf16, 5) == Val::string(kUtf8));
  CHECK(lift_from(Enc::Latin1Utf16, "h\xf6", 2) == Val::string("h\xc3\xb6"));
  CHECK(lift_from(Enc::Latin1Utf16, kUtf16, 5 | kUtf16Tag) == Val::string(kUtf8));
  CHECK(lift_from(Enc::Utf8, "", 0) == Val::string(""));
}

TEST_CASE("invalid strings trap with Rust's wording of the error") {
  check_trap([] { return lift_from(Enc::Utf8, "\xff", 1); }, TrapCode::InvalidString,
             "invalid utf-8 sequence of 1 bytes from index 0");
  check_trap([] { return lift_from(Enc::Utf8, "ab\xc3", 3); }, TrapCode::InvalidString,
             "incomplete utf-8 byte sequence from index 2");
  check_trap([] { return lift_from(Enc::Utf8, "\xe2\x28\xa1", 3); }, TrapCode::InvalidString,
             "invalid utf-8 sequence of 1 bytes from index 0");
  check_trap([] { return lift_from(Enc::Utf8, "\xed\xa0\x80", 3); }, TrapCode::InvalidString,  // a surrogate
             "invalid utf-8 sequence of 1 bytes from index 0");
  check_trap([] { return lift_from(Enc::Utf8, "\xf0\x9f\x8d\x41", 4); }, TrapCode::InvalidString,
             "invalid utf-8 sequence of 3 bytes from index 0");
  check_trap([] { return lift_from(Enc::Utf8, "\xc0\x80", 2); }, TrapCode::InvalidString, "invalid utf-8");  // overlong
  check_trap([] { return lift_from(Enc::Utf16, std::string("\x00\xd8" "a\0", 4), 2); }, TrapCode::InvalidString,
             "lone surrogate");
  check_trap([] { return lift_from(Enc::Utf16, std::string("\x00\xdc", 2), 1); }, TrapCode::InvalidString,
             "lone surrogate");
  CHECK(utf8_error("plain ascii text that is long enough for the fast path").empty());
}

TEST_CASE("string pointers are checked for alignment and bounds in both wordings") {
  Guest g(Enc::Utf16);
  Cx cx = g.cx();
  auto lift = [](Cx& c, uint32_t ptr, uint32_t len) {
    FlatValue in[] = {ptr, len};
    FlatReader r{in};
    return lift_flat(c, r, *prim(ValueKind::String));
  };
  check_trap([&] { return lift(cx, 1, 1); }, TrapCode::UnalignedPointer, "unaligned pointer");
  Cx host = g.cx(true);
  check_trap([&] { return lift(host, 1, 1); }, TrapCode::UnalignedPointer, "string pointer not aligned to 2");
  check_trap([&] { return lift(cx, 65534, 2); }, TrapCode::OutOfBounds, "string content out-of-bounds");
  check_trap([&] { return lift(host, 65534, 2); }, TrapCode::OutOfBounds, "string pointer/length out of bounds of memory");
  check_trap([&] { return lift(host, 0xdeadbeee, 0); }, TrapCode::OutOfBounds, "out of bounds");
  // utf16: 2^30 code units are 2^31 bytes, one more than the longest string (kMaxStringByteLength).
  check_trap([&] { return lift(cx, 0, 1u << 30); }, TrapCode::TooLong, "string content out-of-bounds");
  check_trap([&] { return lift(cx, 0, (1u << 30) - 1); }, TrapCode::OutOfBounds, "string content out-of-bounds");
  Guest latin(Enc::Latin1Utf16);
  Cx lcx = latin.cx();
  check_trap([&] { return lift(lcx, 3, 1); }, TrapCode::UnalignedPointer, "unaligned pointer");
}

TEST_CASE("utf8 into utf8 is one exact allocation and a copy") {
  Stored s = lower_into(Enc::Utf8, Val::string(kUtf8));
  CHECK(s.bytes == kUtf8);
  CHECK(s.s.tagged_code_units == 10);
  REQUIRE(s.reallocs.size() == 1);
  CHECK(s.reallocs[0] == ReallocCall{0, 0, 1, 10, 1024});
}

TEST_CASE("utf8 into utf16 allocates the worst case and shrinks") {
  Stored s = lower_into(Enc::Utf16, Val::string(kUtf8));
  CHECK(s.bytes == kUtf16);
  CHECK(s.s.tagged_code_units == 5);
  REQUIRE(s.reallocs.size() == 2);
  CHECK(s.reallocs[0] == ReallocCall{0, 0, 2, 20, 1024});
  CHECK(s.reallocs[1] == ReallocCall{1024, 20, 2, 10, 1024});
  // Nothing to shrink when every code unit took its worst case.
  Stored ascii = lower_into(Enc::Utf16, Val::string("ab"));
  CHECK(ascii.reallocs.size() == 1);  // every code unit took its worst case: no shrink
}

TEST_CASE("utf8 into latin1+utf16: latin1 when it fits, else inflated to utf16") {
  Stored fits = lower_into(Enc::Latin1Utf16, Val::string("h\xc3\xb6"));  // "hö": 3 utf8 bytes
  CHECK(fits.bytes == "h\xf6");
  CHECK(fits.s.tagged_code_units == 2);
  REQUIRE(fits.reallocs.size() == 2);
  CHECK(fits.reallocs[0] == ReallocCall{0, 0, 2, 3, 1024});
  CHECK(fits.reallocs[1] == ReallocCall{1024, 3, 2, 2, 1024});

  Stored inflated = lower_into(Enc::Latin1Utf16, Val::string(kUtf8));
  CHECK(inflated.bytes == kUtf16);
  CHECK(inflated.s.tagged_code_units == (5 | kUtf16Tag));
  REQUIRE(inflated.reallocs.size() == 3);
  CHECK(inflated.reallocs[0] == ReallocCall{0, 0, 2, 10, 1024});
  CHECK(inflated.reallocs[1] == ReallocCall{1024, 10, 2, 20, 1024});
  CHECK(inflated.reallocs[2] == ReallocCall{1024, 20, 2, 10, 1024});

  Stored ascii = lower_into(Enc::Latin1Utf16, Val::string("abc"));
  CHECK(ascii.bytes == "abc");
  CHECK(ascii.reallocs.size() == 1);  // exact fit: no shrink
}

TEST_CASE("strings lifted from utf16 follow the spec's utf16 paths when lowered") {
  Val from16 = lift_from(Enc::Utf16, kUtf16, 5);
  Stored to8 = lower_into(Enc::Utf8, from16);
  CHECK(to8.bytes == kUtf8);
  REQUIRE(to8.reallocs.size() == 3);
  CHECK(to8.reallocs[0] == ReallocCall{0, 0, 1, 5, 1024});      // one byte per code unit
  CHECK(to8.reallocs[1] == ReallocCall{1024, 5, 1, 15, 1024});  // worst case: 3 per code unit
  CHECK(to8.reallocs[2] == ReallocCall{1024, 15, 1, 10, 1024});

  Stored ascii = lower_into(Enc::Utf8, lift_from(Enc::Utf16, std::string("a\0b\0", 4), 2));
  CHECK(ascii.bytes == "ab");
  CHECK(ascii.reallocs.size() == 1);

  Stored to16 = lower_into(Enc::Utf16, from16);
  CHECK(to16.bytes == kUtf16);
  REQUIRE(to16.reallocs.size() == 1);
  CHECK(to16.reallocs[0] == ReallocCall{0, 0, 2, 10, 1024});

  Stored to_compact = lower_into(Enc::Latin1Utf16, from16);
  CHECK(to_compact.bytes == kUtf16);
  CHECK(to_compact.s.tagged_code_units == (5 | kUtf16Tag));
  CHECK(to_compact.reallocs.size() == 2);  // inflated to exactly its worst case: no shrink
}

TEST_CASE("strings lifted from latin1+utf16 follow the spec's paths when lowered") {
  Val latin1 = lift_from(Enc::Latin1Utf16, "h\xf6", 2);
  Stored to8 = lower_into(Enc::Utf8, latin1);
  CHECK(to8.bytes == "h\xc3\xb6");
  REQUIRE(to8.reallocs.size() == 3);
  CHECK(to8.reallocs[1] == ReallocCall{1024, 2, 1, 4, 1024});  // worst case 2 per latin1 char
  CHECK(to8.reallocs[2] == ReallocCall{1024, 4, 1, 3, 1024});

  Stored to16 = lower_into(Enc::Utf16, latin1);
  CHECK(to16.bytes == std::string("h\0\xf6\0", 4));
  CHECK(to16.reallocs.size() == 1);

  Stored copy = lower_into(Enc::Latin1Utf16, latin1);
  CHECK(copy.bytes == "h\xf6");
  REQUIRE(copy.reallocs.size() == 1);
  CHECK(copy.reallocs[0] == ReallocCall{0, 0, 2, 2, 1024});

  // utf16 that fits latin1 is compressed after a utf16-sized copy.
  Val compact16 = lift_from(Enc::Latin1Utf16, std::string("h\0\xf6\0", 4), 2 | kUtf16Tag);
  Stored compressed = lower_into(Enc::Latin1Utf16, compact16);
  CHECK(compressed.bytes == "h\xf6");
  CHECK(compressed.s.tagged_code_units == 2);
  REQUIRE(compressed.reallocs.size() == 2);
  CHECK(compressed.reallocs[0] == ReallocCall{0, 0, 2, 4, 1024});
  CHECK(compressed.reallocs[1] == ReallocCall{1024, 4, 2, 2, 1024});  // alignment 2, as Wasmtime

  Val real16 = lift_from(Enc::Latin1Utf16, kUtf16, 5 | kUtf16Tag);
  Stored kept = lower_into(Enc::Latin1Utf16, real16);
  CHECK(kept.bytes == kUtf16);
  CHECK(kept.reallocs.size() == 1);
}

TEST_CASE("a shrinking realloc must still return an aligned pointer") {
  Guest dst(Enc::Utf16);
  int calls = 0;
  dst.opts.realloc = [&](uint32_t, uint32_t, uint32_t, uint32_t) -> TrapOr<uint32_t> { return ++calls == 1 ? 2u : 3u; };
  Cx cx = dst.cx();
  FlatValue out[2];
  FlatWriter w{out};
  check_trap([&] { lower_flat(cx, Val::string("\xc3\xa0\xc3\xa0"), *prim(ValueKind::String), w); },
             TrapCode::ReallocUnaligned, "unaligned pointer");
  CHECK(calls == 2);
}

TEST_CASE("a trap in realloc comes back as the core trap") {
  Guest dst;
  dst.opts.realloc = [](uint32_t, uint32_t, uint32_t, uint32_t) -> TrapOr<uint32_t> {
    return Trap{TrapCode::HostError, "wasm trap: wasm `unreachable` instruction executed"};
  };
  Cx cx = dst.cx();
  check_trap([&] { store(cx, Val::string("x"), *prim(ValueKind::String), 0); }, TrapCode::HostError, "unreachable");
  CHECK(dst.inst.may_leave);
}

TEST_CASE("host strings are validated, and a claimed origin that does not fit is ignored") {
  check_trap([] { return lower_into(Enc::Utf16, Val::string("ab\xc3")); }, TrapCode::InvalidString,
             "incomplete utf-8 byte sequence from index 2");
  check_trap([] { return lower_into(Enc::Utf8, Val::string("\xff")); }, TrapCode::InvalidString, "invalid utf-8");
  // Claims 2 latin1 characters for a 4-character string with a snowman: treated as utf8.
  Stored s = lower_into(Enc::Latin1Utf16, Val::string_from("ab\xe2\x98\x83" "c", uint8_t(StringSource::Latin1), 2));
  CHECK(s.s.tagged_code_units == (4 | kUtf16Tag));
  CHECK(s.reallocs[0] == ReallocCall{0, 0, 2, 6, 1024});  // the utf8 path: its byte length first
}

TEST_CASE("transcoding survives a realloc that moves the string at every call") {
  for (Enc from : {Enc::Utf8, Enc::Utf16, Enc::Latin1Utf16}) {
    for (Enc to : {Enc::Utf8, Enc::Utf16, Enc::Latin1Utf16}) {
      CAPTURE(int(from));
      CAPTURE(int(to));
      Guest src(from);
      std::string text = "\xc4\xac" "abc\xe1\x94\x80\xc3\xb6";  // Ĭabcᔀö
      Cx scx = src.cx();
      FlatValue flat[2];
      FlatWriter w{flat};
      lower_flat(scx, Val::string(text), *prim(ValueKind::String), w);
      FlatReader r{std::span<const FlatValue>(flat, 2)};
      Val lifted = lift_flat(scx, r, *prim(ValueKind::String));
      REQUIRE(lifted == Val::string(text));

      Guest dst(to);
      uint32_t next = 4096;
      dst.opts.realloc = [&](uint32_t old_ptr, uint32_t old_size, uint32_t align, uint32_t size) -> TrapOr<uint32_t> {
        next = (next + 64 + align - 1) & ~(align - 1);
        uint32_t p = next;
        next += size;
        std::memcpy(dst.memory.data() + p, dst.memory.data() + old_ptr, std::min(old_size, size));
        std::memset(dst.memory.data() + old_ptr, 0xee, old_size);  // the old block is gone
        return p;
      };
      Cx dcx = dst.cx();
      FlatWriter w2{flat};
      lower_flat(dcx, lifted, *prim(ValueKind::String), w2);
      FlatReader r2{std::span<const FlatValue>(flat, 2)};
      CHECK(lift_flat(dcx, r2, *prim(ValueKind::String)) == Val::string(text));
    }
  }
}

TEST_CASE("compressing utf16 to latin1 asks realloc for an aligned block and checks it") {
  Val compact16 = lift_from(Enc::Latin1Utf16, std::string("A\0A\0", 4), 2 | kUtf16Tag);
  Guest dst(Enc::Latin1Utf16);
  int calls = 0;
  dst.opts.realloc = [&](uint32_t old_ptr, uint32_t, uint32_t align, uint32_t) -> TrapOr<uint32_t> {
    ++calls;
    CHECK(align == 2);
    return old_ptr == 0 ? 2u : 3u;
  };
  Cx cx = dst.cx();
  FlatValue out[2];
  FlatWriter w{out};
  check_trap([&] { lower_flat(cx, compact16, *prim(ValueKind::String), w); }, TrapCode::ReallocUnaligned,
             "unaligned pointer");
  CHECK(calls == 2);
}
