// The on-disk form of compiled code, shared by the code cache and `wasmrun compile` (.cwasm):
// a header naming what the code was made by and for, the relocatable objects the code generator
// emitted, optionally the module's binary (artifacts carry it, cache entries do not: their caller
// has it), and a checksum over everything. Loading links the objects; nothing is compiled.
//
// Layout, little-endian:
//   magic "\0wasmrun"  u32 format version  u64 file size
//   strings (u32 length + bytes): wasmrun version, JIT source hash, LLVM version, triple, CPU, features
//   u32 opt level  u32 flags (bit 0: epoch interruption)  32-byte BLAKE3 hash of the module binary
//   u32 object count, then per object u64 size and its bytes, padded to 16
//   u64 module binary size, its bytes
//   u32 1 if a code image follows (code_image.h), else 0; then u64 base, code end, read-only end;
//     u32 count and u32 rebase offsets; u32 count and per import u32 slot and string name;
//     u32 count and per symbol u64 offset and size; u64 image size, its bytes padded to a page
//   u64 xxh3 of all bytes before it
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "jit/code_identity.h"
#include "jit/code_image.h"
#include "runtime/vm/compiled_code.h"
#include "wasmrun/expected.h"

namespace wasmrun::jit {

inline constexpr uint32_t kArtifactFormat = 2;

using ModuleHash = std::array<uint8_t, 32>;
ModuleHash hash_module(std::span<const uint8_t> bytes);

struct ArtifactHeader {
  CodeIdentity identity;
  vm::CompileOptions options;
  ModuleHash module_hash{};
};

// A read artifact; the spans point into the buffer it was read from.
struct Artifact {
  ArtifactHeader header;
  std::vector<std::span<const uint8_t>> objects;
  std::span<const uint8_t> module_bytes;  // empty in cache entries
  std::optional<CodeImageView> image;     // the objects linked once, when they could be
};

std::vector<uint8_t> write_artifact(const ArtifactHeader& header, const std::vector<std::span<const uint8_t>>& objects,
                                    std::span<const uint8_t> module_bytes, const CodeImage* image = nullptr);

// True when `bytes` start like an artifact (its magic), whatever else they hold.
bool looks_like_artifact(std::span<const uint8_t> bytes);

// Checks the magic, format version, size and checksum, then reads the parts. Says what is wrong
// with a file that is not an artifact, is of another format, or is truncated or damaged; whether
// the code suits this host is check_compatible's question.
Expected<Artifact> read_artifact(std::span<const uint8_t> bytes);

// An error naming the mismatch when the artifact was made by another build or for another CPU, or
// with options that change the code's behaviour (epoch interruption); the opt level may differ.
Expected<void> check_compatible(const ArtifactHeader& header, const CodeIdentity& host,
                                const vm::CompileOptions& options);

}  // namespace wasmrun::jit
