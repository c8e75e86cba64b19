// The GEMM in both candidate languages, interleaved in one process on one thread: WebAssembly text
// assembled by wabt (packages/kernels-wasm/src/wat/gemm.wat, what the package ships) and the same
// kernel in AssemblyScript (gemm-assemblyscript.ts, compiled by asc). Prints GFLOP/s per shape.
// Run: node --experimental-wasm-relaxed-simd bench/kernel-language/measure.mjs [rounds]   (see README.md)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const rounds = Number(process.argv[2] ?? 9);
const generated = readFileSync(join(here, '..', '..', 'packages', 'kernels-wasm', 'src', 'generated', 'gemm-wasm.ts'), 'utf8');
const relaxed = WebAssembly.validate(Buffer.from(generated.match(/ relaxed: '([^']+)'/)[1], 'base64'));
const wat = Buffer.from(generated.match(relaxed ? / relaxed: '([^']+)'/ : / plain: '([^']+)'/)[1], 'base64');
const out = join(mkdtempSync(join(os.tmpdir(), 'gemm-as-')), 'gemm.wasm');
execFileSync('pnpm', ['--package=assemblyscript@0.28.20', 'dlx', 'asc', join(here, 'gemm-assemblyscript.ts'), '-O3', '--noAssert', '--runtime', 'stub', '--importMemory', '--initialMemory', '0',
  '--enable', relaxed ? 'simd,relaxed-simd,threads' : 'simd,threads', '--use', 'abort=', '-o', out], { stdio: 'inherit' });
const candidates = { wat, assemblyscript: readFileSync(out) };
const memory = new WebAssembly.Memory({ initial: 2048 });
const exportsOf = Object.fromEntries(Object.entries(candidates).map(([name, bytes]) => [name, new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports]));
const f32 = new Float32Array(memory.buffer);
function product(exports, M, K, N) {
  const a = 0, b = a + 4 * M * K, packed = b + 4 * K * N, sliver = packed + 4 * K * 8 * Math.ceil(N / 8), c = sliver + 4 * 16 * K, counter = c + 4 * M * N + 64;
  exports.packPanels(b, 4 * N, 4, packed, K, N);
  new Int32Array(memory.buffer, counter, 1)[0] = 0;
  exports.rowTiles(a, 4 * K, 4, sliver, packed, c, M, N, K, 0, Math.ceil(M / 4), counter);
  return c / 4;
}
console.log(`relaxed SIMD: ${relaxed}; load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}; ${rounds} interleaved rounds`);
for (const [M, K, N] of [[512, 256, 256], [2048, 256, 256], [784, 288, 64]]) {
  for (let index = 0; index < M * K + K * N; index += 1) f32[index] = Math.sin(index);
  const results = Object.fromEntries(Object.entries(exportsOf).map(([name, exports]) => { const c = product(exports, M, K, N); return [name, f32.slice(c, c + M * N)]; }));
  const bitEqual = results.assemblyscript.every((value, index) => value === results.wat[index]);
  const times = Object.fromEntries(Object.keys(exportsOf).map((name) => [name, []]));
  const repeats = Math.max(3, Math.round(2e9 / (2 * M * N * K)));
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, exports] of Object.entries(exportsOf)) {
      const start = performance.now();
      for (let repeat = 0; repeat < repeats; repeat += 1) product(exports, M, K, N);
      times[name].push((performance.now() - start) / repeats);
    }
  }
  const gflops = (ms) => (2 * M * N * K) / ms / 1e6;
  const summary = Object.entries(times).map(([name, list]) => {
    const sorted = [...list].sort((x, y) => x - y);
    return `${name} median ${gflops(sorted[sorted.length >> 1]).toFixed(1)} GFLOP/s, best ${gflops(sorted[0]).toFixed(1)}`;
  });
  console.log(`${M}x${K}x${N}: ${summary.join(' | ')}; results bit-equal: ${bitEqual}`);
}
console.log(`load average at end ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
