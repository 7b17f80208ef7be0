// The V8 peer of instantiate_driver: `new WebAssembly.Instance` + drop in a loop, for the same
// modules (a later module's memory import is the first instance's "memory" export), every
// function import a stub. Prints the same JSON line as the driver.
//
//   node bench/instantiate/v8_instantiate.mjs THREADS ITERATIONS MODULE.wasm...
import fs from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

function stubImports(module, memory) {
  const imports = {};
  for (const im of WebAssembly.Module.imports(module)) {
    imports[im.module] ??= {};
    if (im.kind === 'function') imports[im.module][im.name] = () => {};
    else if (im.kind === 'memory' && memory) imports[im.module][im.name] = memory;
    else throw new Error(`no stub for ${im.kind} import ${im.module}.${im.name}`);
  }
  return imports;
}

function instantiateOnce(modules, importsOfFirst) {
  const first = new WebAssembly.Instance(modules[0], importsOfFirst);
  const memory = first.exports.memory;
  for (let i = 1; i < modules.length; ++i) new WebAssembly.Instance(modules[i], stubImports(modules[i], memory));
}

function loop(modules, iterations) {
  const importsOfFirst = stubImports(modules[0], null);
  for (let i = 0; i < iterations; ++i) instantiateOnce(modules, importsOfFirst);
}

if (isMainThread) {
  const [threads, iterations] = process.argv.slice(2, 4).map(Number);
  const modules = process.argv.slice(4).map((path) => new WebAssembly.Module(fs.readFileSync(path)));
  loop(modules, 100);  // warm-up
  const rssBefore = process.memoryUsage().rss;
  const faultsBefore = process.resourceUsage().minorPageFault + process.resourceUsage().majorPageFault;
  const start = process.hrtime.bigint();
  if (threads === 1) {
    loop(modules, iterations);
  } else {
    await Promise.all(Array.from({ length: threads }, () => new Promise((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { modules, iterations } });
      w.on('message', resolve);
      w.on('error', reject);
    })));
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const usage = process.resourceUsage();
  const faults = usage.minorPageFault + usage.majorPageFault - faultsBefore;
  const total = iterations * threads;
  console.log(JSON.stringify({
    us_per_instantiation: seconds * 1e6 / iterations,
    instantiations_per_second: Math.round(total / seconds),
    faults_per_instantiation: faults / total,
    rss_before_kib: Math.round(rssBefore / 1024),
    rss_after_kib: Math.round(process.memoryUsage().rss / 1024),
    iterations, threads,
  }));
} else {
  loop(workerData.modules, workerData.iterations);
  parentPort.postMessage('done');
}
