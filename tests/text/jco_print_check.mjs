// Reads a wast_modules manifest on stdin and checks every component in it with wasm-tools as
// shipped in jco: `print` must read our binary back, and where the component's text is at hand
// (PATH.wat), wasm-tools' own encoding of that text must equal ours once custom sections (the
// names wasm-tools adds) are dropped. Prints each component that fails and ends with
// "N passed, N failed, N skipped" (skipped: text that this wasm-tools cannot parse, so only the
// print check ran). JCO_NODE_MODULES points at a node_modules with jco installed.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.env.JCO_NODE_MODULES;
const api = path.join(modules, '@bytecodealliance/jco/dist/api.js');
const { print, parse } = await import(pathToFileURL(api).href);

function leb(bytes, pos) {
  let value = 0, shift = 0, byte;
  do {
    byte = bytes[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, pos];
}

// A binary without its custom sections, in nested modules and components too.
function strip(bytes) {
  const out = [...bytes.subarray(0, 8)];
  const component = bytes[6] === 1;
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, start] = leb(bytes, pos + 1);
    let body = bytes.subarray(start, start + size);
    pos = start + size;
    if (id === 0) continue;
    if (component && (id === 1 || id === 4)) body = Uint8Array.from(strip(body));
    out.push(id);
    let n = body.length;
    do {
      let b = n & 0x7f;
      n = Math.floor(n / 128);
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    out.push(...body);
  }
  return out;
}

const lines = readFileSync(0, 'utf8').split('\n').filter((l) => l.startsWith('component '));
let passed = 0, failed = 0, skipped = 0, unreadable = 0, equal = 0, different = 0;
for (const line of lines) {
  const [, file, where, command] = line.split(' ');
  const ours = readFileSync(file);
  try {
    await print(ours);
  } catch (e) {
    failed++;
    unreadable++;
    console.log(`${where} ${command}: jco print cannot read ${file}: ${String(e).split('\n')[0]}`);
    continue;
  }
  if (!existsSync(`${file}.wat`)) {
    passed++;
    continue;
  }
  let theirs;
  try {
    theirs = await parse(readFileSync(`${file}.wat`, 'utf8'));
  } catch (e) {
    skipped++;
    continue;
  }
  const a = strip(ours), b = strip(theirs);
  if (a.length === b.length && a.every((x, i) => x === b[i])) {
    passed++;
    equal++;
  } else {
    failed++;
    different++;
    let at = 0;
    while (at < a.length && a[at] === b[at]) at++;
    console.log(`${where} ${command}: differs from wasm-tools' encoding at byte ${at} of ${file}`);
  }
}
console.log(`${lines.length} components: ${lines.length - unreadable} read back by jco print, ${unreadable} not; ` +
            `${equal} equal to wasm-tools' encoding of their text, ${different} different, ` +
            `${skipped} with text this wasm-tools cannot parse`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
