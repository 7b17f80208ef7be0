// Runs a WASI preview1 command under node's node:wasi with wasmrun's command-line shape, so the
// preview1 suite can compare the two:
//   node node_wasi.mjs [--dir HOST::GUEST]... [--env NAME=VALUE]... FILE.wasm [ARGS...]
// The guest's exit status becomes node's; a trap makes node exit 1 with the exception.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
let i = 0;
for (; i < argv.length && argv[i].startsWith('--'); ++i) {
  if (argv[i] === '--dir') {
    const [host, guest] = argv[++i].split('::');
    preopens[guest ?? host] = host;
  } else if (argv[i] === '--env') {
    const text = argv[++i];
    const eq = text.indexOf('=');
    env[text.slice(0, eq)] = text.slice(eq + 1);
  } else {
    throw new Error(`unknown option ${argv[i]}`);
  }
}
const file = argv[i];
const wasi = new WASI({ version: 'preview1', args: [file, ...argv.slice(i + 1)], env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
