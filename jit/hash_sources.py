#!/usr/bin/env python3
"""Writes jit/code_version.h: a hash of the sources that decide what machine code the JIT emits
(jit/, the VM's data layout and libcalls, the opcode table). Artifacts and cache entries carry it,
so code from a build with other JIT sources is never loaded, whichever program links the JIT.
usage: hash_sources.py OUT.h SOURCE..."""
import hashlib
import os
import sys

out, sources = sys.argv[1], sys.argv[2:]
digest = hashlib.sha256()
for path in sorted(sources, key=os.path.basename):
    digest.update(os.path.basename(path).encode() + b"\0")
    with open(path, "rb") as f:
        digest.update(f.read())
text = ("#pragma once\n"
        "namespace wasmrun::jit {\n"
        f'inline constexpr const char* kCodeGeneratorSourceHash = "{digest.hexdigest()[:32]}";\n'
        "}\n")
if not os.path.exists(out) or open(out).read() != text:
    with open(out, "w") as f:
        f.write(text)
