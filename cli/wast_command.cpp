#include <fmt/format.h>

#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/wast/wast_runner.h"
#include "jit/llvm_code_generator.h"
#include "runtime/vm/engine.h"
#include "support/file.h"
#include "text/wast_parser.h"

namespace wasmrun::cli {

int wast_command(Args args) {
  WastOptions options;
  std::vector<std::string> files;
  std::string cache_dir;
  vm::EngineConfig config;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--cache-dir" && i + 1 < args.size()) cache_dir = args[++i];
    else if (a == "--lazy") config.compile.lazy = true;
    else if (a == "--lazy=baseline") config.compile.lazy = true, config.compile.tier_up = false;
    else if (a == "--validate-only") options.validate_only = true;
    else if (a == "--parse-only") options.parse_only = true;
    else if (a == "--strict-messages") options.strict_messages = true;
    else if (a == "--multi-memory") options.multi_memory = true;
    else if (a == "-v" || a == "--verbose") options.verbose = true;
    else if (a.starts_with("-")) return fail(fmt::format("wast: unknown option '{}'", a));
    else files.emplace_back(a);
  }
  if (files.empty()) return fail("usage: wasmrun wast [--parse-only|--validate-only] FILE.wast...");

  std::optional<Engine> engine;
  // With --cache-dir every module is compiled through the code cache, and the summary says how
  // many were loaded from it: a second run over the same scripts tests code loaded from the cache.
  std::shared_ptr<jit::CodeCache> cache;
  if (!cache_dir.empty()) cache = std::make_shared<jit::CodeCache>(jit::CodeCacheConfig{cache_dir});
  if (!options.validate_only && !options.parse_only) {
    auto codegen = jit::create_llvm_code_generator(cache);
    if (!codegen) return fail(codegen.error().message);
    engine.emplace(std::make_shared<vm::Engine>(config, codegen.take()));
  }
  WastRunner runner(options, stdout, engine);
  WastCounts total;
  for (const std::string& file : files) {
    auto bytes = read_file(file);
    auto script = bytes ? text::parse_wast({reinterpret_cast<const char*>(bytes->data()), bytes->size()}, file)
                        : Expected<text::WastScript>(bytes.error());
    if (!script) {
      fmt::print("{}: failed: {}\n", file, script.error().message);
      ++total.failed_files;
      continue;
    }
    WastCounts counts = runner.run(*script);
    if (options.parse_only)
      fmt::print("{}: {} parsed, {} failed, {} skipped\n", file, counts.total(counts.parsed) + counts.total(counts.passed),
                 counts.total(counts.failed), counts.total(counts.skipped));
    else
      fmt::print("{}: {} passed, {} failed, {} skipped\n", file, counts.total(counts.passed),
                 counts.total(counts.failed), counts.total(counts.skipped));
    std::fflush(stdout);
    total.add(counts);
  }
  print_summary(stdout, total);
  if (cache)
    fmt::print("code cache {}: {} modules loaded, {} compiled, {} stored, {} entries rejected\n", cache_dir,
               cache->stats().hits.load(), cache->stats().misses.load(), cache->stats().stores.load(),
               cache->stats().rejected.load());
  return total.total(total.failed) + total.failed_files == 0 ? 0 : 1;
}

}  // namespace wasmrun::cli
