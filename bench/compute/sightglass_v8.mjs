// Times a Sightglass benchmark under node's V8 with node:wasi:
//   node sightglass_v8.mjs BENCHMARK.wasm ITERATIONS OUT_DIR
// Run from the benchmark's directory, preopened as "." for the guest. Compiles once, then per
// iteration instantiates and runs `_start`, timing bench.start..bench.end. The guest's output
// goes to OUT_DIR/v8.stdout and .stderr. Prints one JSON object like wasmrun_sightglass.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { WASI } from 'node:wasi';

const [file, iterationsText, outDir] = process.argv.slice(2);
const bytes = readFileSync(file);
let t = performance.now();
const module = await WebAssembly.compile(bytes);
const compileMs = performance.now() - t;
const stdout = openSync(`${outDir}/v8.stdout`, 'w');
const stderr = openSync(`${outDir}/v8.stderr`, 'w');
const runs = [];
const instantiations = [];
for (let i = 0; i < Number(iterationsText); ++i) {
  const wasi = new WASI({ version: 'preview1', args: [file], env: {}, preopens: { '.': '.' }, stdout, stderr,
                          returnOnExit: true });
  let start = 0, end = 0;
  const bench = { start: () => { start = performance.now(); }, end: () => { end = performance.now(); } };
  t = performance.now();
  const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport, bench });
  instantiations.push(Number((performance.now() - t).toFixed(3)));
  const status = wasi.start(instance);
  if (status !== 0) throw new Error(`the benchmark exited with status ${status}`);
  if (!(end > start)) throw new Error('the benchmark did not call bench.start and then bench.end');
  runs.push(Number((end - start).toFixed(3)));
}
closeSync(stdout);
closeSync(stderr);
console.log(JSON.stringify({ compile_ms: Number(compileMs.toFixed(3)), runs_ms: runs, instantiate_ms: instantiations }));
