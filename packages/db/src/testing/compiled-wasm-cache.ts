/**
 * Test setup (vitest `setupFiles`): compiles each distinct WebAssembly binary once per test
 * process. Every PGlite database loads PostGIS as a 16 MB WebAssembly library and compiles it
 * again (about half a second of CPU, and the optimised code of earlier databases is thrown
 * away); a suite opens dozens of databases in each of its two worker processes. PGlite already
 * keeps its own main module compiled this way; this does the same for the libraries it loads,
 * keyed by a hash of their bytes, so what runs is exactly what would have been compiled.
 * Production opens one database per process and does not use it.
 */
import { createHash } from 'node:crypto';

// This package compiles without the DOM library, so the little of WebAssembly's API used here
// is declared here.
type WasmModule = object;
type Imports = object;
interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(source: unknown, imports?: Imports): Promise<unknown>;
}

const INSTALLED = Symbol.for('hotspot.compiledWasmCache');
const SMALLEST_CACHED = 1024 * 1024;

function install(): void {
  const holder = globalThis as { [INSTALLED]?: boolean; WebAssembly?: WebAssemblyApi };
  const wasm = holder.WebAssembly;
  if (holder[INSTALLED] || !wasm) return;
  holder[INSTALLED] = true;
  const original = wasm.instantiate.bind(wasm);
  const compiled = new Map<string, Promise<WasmModule>>();
  const cached = async (bytes: Uint8Array, imports?: Imports) => {
    const key = createHash('sha256').update(bytes).digest('hex');
    let module = compiled.get(key);
    if (!module) {
      module = wasm.compile(bytes);
      compiled.set(key, module);
      module.catch(() => compiled.delete(key));
    }
    const ready = await module;
    return { module: ready, instance: await original(ready, imports) };
  };
  // The two overloads: a compiled module gives an instance; bytes give the module and instance.
  wasm.instantiate = (source: unknown, imports?: Imports) => {
    const bytes = ArrayBuffer.isView(source)
      ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
      : source instanceof ArrayBuffer
        ? new Uint8Array(source)
        : null;
    return bytes && bytes.byteLength >= SMALLEST_CACHED
      ? cached(bytes, imports)
      : original(source, imports);
  };
}

install();
