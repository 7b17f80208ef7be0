// Reads a wast_modules manifest on stdin and runs `jco print` (wasm-tools' printer, as shipped
// in jco) on every component in it. Prints each component it cannot read and ends with
// "N passed, N failed". Expects JCO_NODE_MODULES to point at a node_modules with jco installed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.env.JCO_NODE_MODULES;
const api = path.join(modules, '@bytecodealliance/jco/dist/api.js');
const { print } = await import(pathToFileURL(api).href);

const lines = readFileSync(0, 'utf8').split('\n').filter((l) => l.startsWith('component '));
let passed = 0, failed = 0;
for (const line of lines) {
  const [, file, where, command] = line.split(' ');
  try {
    await print(readFileSync(file));
    passed++;
  } catch (e) {
    failed++;
    console.log(`${where} ${command}: jco print cannot read ${file}: ${String(e).split('\n')[0]}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
