// The V8 side of the differential fuzzer (wasm-diff-fuzz): reads one JSON job per line from
// stdin — a module (base64) and the calls to make — runs it with node's WebAssembly, and writes
// one JSON line back: the outcome of instantiation and of each call, in the form the C++ side
// produces for wasmrun (see outcome.h), so the two can be compared as strings.
'use strict';
const readline = require('readline');

// FNV-1a over the memory, 32 bits.
function hashMemory(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);

function formatValue(type, v) {
  switch (type) {
    case 'i32': return 'i32:' + (v | 0);
    case 'i64': return 'i64:' + BigInt.asIntN(64, v).toString();
    case 'f32': if (Number.isNaN(v)) return 'f32:nan'; f32[0] = v; return 'f32:' + u32[0].toString(16);
    case 'f64': if (Number.isNaN(v)) return 'f64:nan'; f64[0] = v; return 'f64:' + u64[0].toString(16);
  }
  return '?';
}

function parseArg(type, text) {
  switch (type) {
    case 'i32': return Number(BigInt.asIntN(32, BigInt(text)));
    case 'i64': return BigInt.asIntN(64, BigInt(text));
    case 'f32': u32[0] = Number(BigInt('0x' + text)); return f32[0];
    case 'f64': u64[0] = BigInt('0x' + text); return f64[0];
  }
  throw new Error('bad type ' + type);
}

// V8's trap messages, by the class both sides name (outcome.cpp has wasmrun's).
function trapClass(e) {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'stack';
  const m = String(e.message);
  const classes = [
    [/^unreachable/, 'unreachable'],
    [/memory access out of bounds|data segment out of bounds|data segment has been dropped/, 'memory'],
    [/divide by zero|remainder by zero/, 'div0'],
    [/divide result unrepresentable|float unrepresentable/, 'overflow'],
    [/table index is out of bounds|table access out of bounds|element segment out of bounds|element segment has been dropped|invalid index into function table/, 'table'],
    [/null function or function signature mismatch|function signature mismatch|null function/, 'indirect'],
  ];
  for (const [re, name] of classes) if (re.test(m)) return name;
  return 'other:' + m.split('\n')[0];
}

function state(instance, job) {
  const mem = instance.exports.mem;
  const globals = job.globals.map(([name, type]) => formatValue(type, instance.exports[name].value));
  return 'mem=' + hashMemory(new Uint8Array(mem.buffer)) + '/' + (mem.buffer.byteLength / 65536) +
         ' g=[' + globals.join(',') + ']';
}

function run(job) {
  const bytes = Buffer.from(job.wasm, 'base64');
  const out = [];
  let instance;
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  } catch (e) {
    if (e instanceof WebAssembly.CompileError) return ['invalid: ' + e.message.split('\n')[0]];
    return ['instantiate: ' + trapClass(e)];
  }
  out.push('instantiated ' + state(instance, job));
  for (const call of job.calls) {
    let line = call.name + ': ';
    try {
      const args = call.args.map((a, i) => parseArg(call.params[i], a));
      let r = instance.exports[call.name](...args);
      if (call.results.length === 0) r = [];
      else if (call.results.length === 1) r = [r];
      line += 'ok [' + call.results.map((t, i) => formatValue(t, r[i])).join(',') + ']';
    } catch (e) {
      line += 'trap ' + trapClass(e);
    }
    out.push(line + ' ' + state(instance, job));
  }
  return out;
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', (line) => {
  let result;
  try {
    result = run(JSON.parse(line));
  } catch (e) {
    result = ['runner error: ' + e.message];
  }
  process.stdout.write(JSON.stringify(result) + '\n');
});
