// Times a compute kernel under node's V8: node v8_driver.mjs KERNEL.wasm N ITERATIONS
// Prints one JSON object like the other drivers. V8 compiles lazily and tiers up while running,
// so compile_ms is only its baseline compile; later iterations run optimized code.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [file, nText, iterationsText] = process.argv.slice(2);
const bytes = readFileSync(file);
let start = performance.now();
const module = await WebAssembly.compile(bytes);
const compileMs = performance.now() - start;
const instance = await WebAssembly.instantiate(module, {});
const run = instance.exports.run;
const n = Number(nText);
const runs = [];
const results = [];
for (let i = 0; i < Number(iterationsText); ++i) {
  start = performance.now();
  results.push(run(n) >>> 0);
  runs.push(Number((performance.now() - start).toFixed(3)));
}
console.log(JSON.stringify({ compile_ms: Number(compileMs.toFixed(3)), runs_ms: runs, results }));
