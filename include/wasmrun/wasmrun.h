// wasmrun's public embedding API. Include this one header.
//
//   auto engine = wasmrun::Engine::create().take();
//   auto module = wasmrun::Module::from_file(engine, "fib.wasm").take();
//   wasmrun::Store store(engine);
//   wasmrun::Linker linker(engine);
//   linker.func_wrap("env", "log", [](int32_t x) { std::printf("%d\n", x); });
//   auto instance = linker.instantiate(store, module).take();
//   auto fib = instance.typed_func<int32_t(int32_t)>("fib").take();
//   auto result = fib(30);  // Expected<int32_t>: a trap comes back as an Error
#pragma once

#include "wasmrun/engine.h"
#include "wasmrun/expected.h"
#include "wasmrun/externs.h"
#include "wasmrun/fiber.h"
#include "wasmrun/instance.h"
#include "wasmrun/instance_pre.h"
#include "wasmrun/linker.h"
#include "wasmrun/module.h"
#include "wasmrun/store.h"
#include "wasmrun/typed_func.h"
#include "wasmrun/value.h"
#include "wasmrun/version.h"
#include "wasmrun/trap.h"
#include "wasmrun/wasi.h"
#include "wasmrun/wat.h"
