// `pnpm bench`: the canonical workloads W1–W4 (README.md) through the project's own packages, each
// run in a fresh Node process (workload.mjs), interleaved round by round with the PyTorch reference
// (torch_ref.py, when /usr/bin/python3 has torch). Prints a table and writes results/latest.json
// and results/latest.md. Runs against the built packages: `pnpm build` first.
// Usage: node bench/workloads/run.mjs [--workloads W1,W3] [--quick] [--backend wasm|cpu]
//        [--rounds N] [--threads 1,2,2x1] [--torch-threads N] [--native-sgemm ADDON] [--torch-blas DIR] [--no-torch] [--out NAME]
//        [--against DIR]   (another checkout of this repository, built: its workload.mjs runs interleaved with ours)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    workloads: { type: 'string' },
    quick: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
    rounds: { type: 'string' },
    threads: { type: 'string', default: os.cpus().length > 1 ? '1,2,2x1' : '1' },
    'torch-threads': { type: 'string' },
    against: { type: 'string' },
    out: { type: 'string', default: 'latest' },
    'torch-blas': { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    // The native-route prototype (../native-prototype): BatchMatMul by OpenBLAS on the wasm heap.
    'native-sgemm': { type: 'string' },
  },
});
// On the pure-JS cpu backend one W3 step takes many minutes: run it only when asked for.
const workloads = (args.workloads ?? (args.backend === 'cpu' ? 'W1,W2,W4' : 'W1,W2,W3,W4')).split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
for (const name of workloads) if (!['w1', 'w2', 'w3', 'w4'].includes(name)) throw new Error(`--workloads: unknown workload ${name} (W1, W2, W3, W4)`);
if (!['wasm', 'cpu'].includes(args.backend)) throw new Error(`--backend: expected wasm or cpu; got ${args.backend}`);
if (args.backend === 'cpu' && args.workloads === undefined) console.log('W3 skipped on the cpu backend (one training step takes minutes); pass --workloads W3 to run it.');
const rounds = Number(args.rounds ?? (args.quick ? 1 : 3));
// --against DIR: a second build (another worktree of this repository, built), run right after ours in
// every round and thread setting, so that both see the same machine state.
// DIR may also be a git revision of this repository (`--against c48da9f`): it is checked out once into
// a worktree under the temporary folder, installed and built there, and reused by later runs.
if (args.against !== undefined && !existsSync(args.against)) {
  const revision = args.against;
  const directory = join(os.tmpdir(), `diffusion-bench-${revision.replace(/[^\w.-]/g, '_')}`);
  const step = (command, commandArgs, cwd) => {
    console.log(`--against ${revision}: ${command} ${commandArgs.join(' ')}`);
    const result = spawnSync(command, commandArgs, { cwd, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`--against ${revision}: ${command} ${commandArgs.join(' ')} failed`);
  };
  if (!existsSync(join(directory, 'package.json'))) step('git', ['worktree', 'add', '--detach', directory, revision], join(here, '..', '..'));
  if (!existsSync(join(directory, 'packages', 'training', 'dist'))) {
    step('pnpm', ['install', '--frozen-lockfile'], directory);
    step('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], directory);
  }
  args.against = directory;
}
const againstScript = args.against === undefined ? undefined : join(args.against, 'bench', 'workloads', 'workload.mjs');
if (againstScript !== undefined && !existsSync(againstScript)) throw new Error(`--against: no ${againstScript} (give the root of a built checkout)`);
// Thread settings to try. Ours: `N` is N wasm threads (our kernels on the main thread and N - 1
// helpers, XNNPACK's pool of N), `NxP` the same with an XNNPACK pool of P (its threads spin after
// each kernel and compete with our helpers). Torch: N cores, its best settings on 2 cores from the
// shared RESULTS.md: 1 OpenMP + 2 OpenBLAS threads for the MLP workloads, 2 OpenMP + 1 OpenBLAS for
// the U-Net ones; it runs once per N and round. The table compares the best of each side, as the
// issue's "PyTorch (best thread count)" does.
const threadVariants = args.threads.split(',').map((label) => {
  const [count, pool] = label.split('x').map(Number);
  if (!Number.isInteger(count) || count < 1 || (pool !== undefined && !(Number.isInteger(pool) && pool >= 1 && pool <= count))) {
    throw new Error(`--threads: expected thread counts N or NxP (P XNNPACK threads, 1 <= P <= N), e.g. 1,2,2x1; got ${args.threads}`);
  }
  return { label, count, pool };
});
const threadCounts = [...new Set(threadVariants.map((variant) => variant.count))];
if (args['torch-threads'] !== undefined && threadCounts.length > 1) throw new Error('--torch-threads needs a single --threads value');
const torchThreadsFor = (count) => Number(args['torch-threads'] ?? count);
const torchThreadArgs = (name, count) => {
  const threads = torchThreadsFor(count);
  if (threads === 1) return ['--threads', '1'];
  return name === 'w1' || name === 'w2' ? ['--threads', '1', '--blas-threads', String(threads)] : ['--threads', String(threads), '--blas-threads', '1'];
};
const cpu = args.backend === 'cpu';

// Steps per run: [timed, warm-up] for ours and torch. W2 / W4 time a prefix of the schedule.
const plan = {
  w1: { ours: cpu ? [5, 2] : args.quick ? [50, 10] : [200, 20], torch: args.quick ? [50, 10] : [200, 20] },
  w2: { ours: cpu ? [2, 1] : args.quick ? [20, 1] : [100, 1], torch: args.quick ? [20, 1] : [100, 1] },
  w3: { ours: cpu ? [1, 0] : args.quick ? [1, 1] : [3, 1], torch: args.quick ? [3, 1] : [10, 2] },
  w4: { ours: cpu ? [1, 1] : args.quick ? [3, 1] : [10, 1], torch: args.quick ? [3, 1] : [10, 1] },
};
const flops = { w1: 422_051_840, w2: 2_805_760_000, w3: 47_641_853_952, w4: 15_890_251_776 };
const units = { w1: 'steps/s', w2: 's / 1000 steps', w3: 'steps/s', w4: 's / batch (50 steps)' };
const ceilingPerThread = 44; // GFLOP/s: tfjs-wasm XNNPACK matMul 1024³, one thread (shared/bench/RESULTS.md)

function runJson(command, commandArgs, env = {}, cwd = join(here, '..', '..')) {
  const result = spawnSync(command, commandArgs, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  const line = (result.stdout ?? '').trim().split('\n').filter((text) => text.startsWith('{')).pop();
  if (result.status !== 0 || line === undefined) throw new Error(`${command} ${commandArgs.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return JSON.parse(line);
}
const median = (values) => {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

// PyTorch: present? which BLAS does it load (Debian's default alternative is the slow reference one)?
let torch = { available: false, reason: '' };
const torchEnv = args['torch-blas'] ? { LD_LIBRARY_PATH: [args['torch-blas'], process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : {};
if (args['no-torch']) torch.reason = 'skipped (--no-torch)';
else if (!existsSync(args.python) || spawnSync(args.python, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0) {
  torch.reason = `skipped: ${args.python} has no torch (Debian: apt-get install -y python3-torch)`;
} else {
  const probe = spawnSync(args.python, ['-c', [
    'import os, time, json, torch',
    'torch.set_num_threads(1)',
    'a = torch.randn(512, 512); b = torch.randn(512, 512); a @ b',
    't = time.perf_counter(); [a @ b for _ in range(20)]; s = (time.perf_counter() - t) / 20',
    "libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l and l.split()[-1].startswith('/')})",
    "print(json.dumps({'version': torch.__version__, 'blas': libs, 'matmul512Gflops': 2 * 512 ** 3 / s / 1e9}))",
  ].join('\n')], { encoding: 'utf8', env: { ...process.env, ...torchEnv, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
  const info = JSON.parse(probe.stdout.trim().split('\n').pop());
  const reference = info.blas.length > 0 && info.blas.every((path) => !/openblas|mkl|blis/i.test(path));
  torch = { available: true, ...info, referenceBlas: reference };
}
if (!torch.available) console.log(`PyTorch reference ${torch.reason}.`);
else {
  console.log(`PyTorch ${torch.version}, BLAS ${torch.blas.join(', ') || '(none mapped)'}: matMul 512³ ${torch.matmul512Gflops.toFixed(1)} GFLOP/s on one thread.`);
  if (torch.referenceBlas) {
    console.log('WARNING: torch runs Linear/matmul on the reference (netlib) BLAS here, ~40x slower than OpenBLAS; W1/W2 ratios would flatter us.'
      + ' Install libopenblas0-pthread, or pass --torch-blas <dir holding OpenBLAS\'s libblas.so.3> (e.g. `apt-get download libopenblas0-pthread`, `dpkg-deb -x`).');
  }
}
const load = () => os.loadavg()[0];
console.log(`Load average at start: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs; ${rounds} round(s), backend ${args.backend}, thread settings ${threadVariants.map((variant) => variant.label).join(', ')} (torch at ${threadCounts.join(', ')}).`);

// Node 20 compiles relaxed SIMD (the GEMM's fused multiply-add) only with this V8 flag; Node 22+ has it.
const relaxedSimdFlag = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', '0']).status === 0 ? ['--experimental-wasm-relaxed-simd'] : [];
const key = (label) => `t${label}`;
const runs = Object.fromEntries(workloads.map((name) => [name, Object.fromEntries([
  ...threadVariants.map((variant) => [key(variant.label), { ours: [], against: [] }]),
  ...threadCounts.map((count) => [`torch${count}`, []]),
])]));
for (let round = 0; round < rounds; round += 1) {
  for (const name of workloads) {
    const torchDone = new Set();
    for (const { label, count, pool } of threadVariants) {
      const [steps, warmup] = plan[name].ours;
      const ours = runJson(process.execPath, [
        ...relaxedSimdFlag, join(here, 'workload.mjs'), name, '--backend', args.backend, '--steps', String(steps), '--warmup', String(warmup), '--threads', String(count),
        ...(pool === undefined ? [] : ['--xnnpack-threads', String(pool)]), ...(args['native-sgemm'] ? ['--native-sgemm', args['native-sgemm']] : []),
      ], args['native-sgemm'] ? { OPENBLAS_NUM_THREADS: String(count) } : {});
      ours.load = load();
      runs[name][key(label)].ours.push(ours);
      let line = `round ${round + 1} ${name.toUpperCase()} ${label} thread(s): ours ${ours.medianStepMs.toFixed(2)} ms/step`;
      if (againstScript !== undefined) {
        const against = runJson(process.execPath, [
          ...relaxedSimdFlag, againstScript, name, '--backend', args.backend, '--steps', String(steps), '--warmup', String(warmup), '--threads', String(count),
          ...(pool === undefined ? [] : ['--xnnpack-threads', String(pool)]),
        ], {}, args.against);
        against.load = load();
        runs[name][key(label)].against.push(against);
        line += `, against ${against.medianStepMs.toFixed(2)} ms/step (ours ${(against.medianStepMs / ours.medianStepMs).toFixed(3)}x its speed)`;
      }
      if (torch.available && !torchDone.has(count)) {
        torchDone.add(count);
        const [torchSteps, torchWarmup] = plan[name].torch;
        const torchArgs = [join(here, 'torch_ref.py'), name, ...torchThreadArgs(name, count), '--steps', String(torchSteps), '--warmup', String(torchWarmup)];
        const reference = runJson(args.python, torchArgs, torchEnv);
        reference.load = load();
        runs[name][`torch${count}`].push(reference);
        line += `, torch (${count}) ${reference.median_step_ms.toFixed(2)} ms/step, ratio ${(reference.median_step_ms / ours.medianStepMs).toFixed(3)}x`;
      }
      console.log(`${line} (load ${load().toFixed(1)})`);
    }
  }
}

const perRun = { w1: 1, w2: 1000, w3: 1, w4: 50 };
const metricOf = (name, ms) => (ms === undefined ? undefined : name === 'w1' || name === 'w3' ? 1000 / ms : (perRun[name] * ms) / 1000);
/** Medians of both sides at one thread setting (torch at its thread count). */
function summarise(name, { label, count }) {
  const { ours, against } = runs[name][key(label)];
  const reference = runs[name][`torch${count}`];
  const stepMs = median(ours.map((run) => run.medianStepMs));
  const againstMs = median(against.map((run) => run.medianStepMs));
  const torchMs = torch.available ? median(reference.map((run) => run.median_step_ms)) : undefined;
  const gflops = flops[name] / (stepMs / 1000) / 1e9;
  return {
    threads: label,
    threadCount: count,
    oursMedianStepMs: stepMs,
    againstMedianStepMs: againstMs,
    torchMedianStepMs: torchMs,
    ours: metricOf(name, stepMs),
    torch: metricOf(name, torchMs),
    gflopsPerSecond: gflops,
    ceilingFraction: gflops / (ceilingPerThread * count),
    torchGflopsPerSecond: torchMs === undefined ? undefined : flops[name] / (torchMs / 1000) / 1e9,
    peakRssBytes: Math.max(...ours.map((run) => run.peakRssBytes)),
    torchPeakRssBytes: torch.available ? Math.max(...reference.map((run) => run.peak_rss_bytes ?? Number.NaN)) : undefined,
    peakTensorBytes: Math.max(...ours.map((run) => run.peakTensorBytes)),
    wasmHeapBytes: cpu ? undefined : Math.max(...ours.map((run) => run.wasmHeapBytes)),
  };
}
const results = workloads.map((name) => {
  const byThreads = threadVariants.map((variant) => summarise(name, variant));
  const best = (side) => byThreads.reduce((a, b) => ((b[side] ?? Infinity) < (a[side] ?? Infinity) ? b : a));
  const ours = best('oursMedianStepMs');
  const reference = torch.available ? best('torchMedianStepMs') : undefined;
  const against = againstScript === undefined ? undefined : best('againstMedianStepMs');
  return {
    workload: name.toUpperCase(),
    unit: units[name],
    oursThreads: ours.threads,
    torchThreads: reference?.threadCount,
    ours: ours.ours,
    torch: reference?.torch,
    // Speed ratio: PyTorch's best median step time / ours (best thread count on each side).
    ratio: reference === undefined ? undefined : reference.torchMedianStepMs / ours.oursMedianStepMs,
    oursMedianStepMs: ours.oursMedianStepMs,
    againstThreads: against?.threads,
    againstMedianStepMs: against?.againstMedianStepMs,
    againstRatio: reference === undefined || against === undefined ? undefined : reference.torchMedianStepMs / against.againstMedianStepMs,
    torchMedianStepMs: reference?.torchMedianStepMs,
    gflopsPerSecond: ours.gflopsPerSecond,
    ceilingFraction: ours.ceilingFraction,
    torchGflopsPerSecond: reference?.torchGflopsPerSecond,
    peakRssBytes: ours.peakRssBytes,
    torchPeakRssBytes: reference?.torchPeakRssBytes,
    peakTensorBytes: ours.peakTensorBytes,
    wasmHeapBytes: ours.wasmHeapBytes,
    byThreads,
    runs: runs[name],
  };
});

const mib = (bytes) => (bytes === undefined ? '–' : `${(bytes / 2 ** 20).toFixed(0)}`);
const fixed = (value, digits) => (value === undefined ? '–' : value.toFixed(digits));
const header = '| workload | unit | ours (threads) | PyTorch (threads) | ours/PyTorch speed | ours GFLOP/s | of the wasm ceiling | PyTorch GFLOP/s | peak RSS MiB ours (PyTorch) | peak tf.memory MiB | wasm heap MiB |';
// Torch on the reference BLAS: its Linear layers (W1, W2) are ~40x slow, so those ratios are flagged.
const flag = (row) => (torch.referenceBlas && (row.workload === 'W1' || row.workload === 'W2') ? ' (torch on reference BLAS!)' : '');
const rows = results.map((row) => `| ${row.workload} | ${row.unit} | ${fixed(row.ours, 3)} (${row.oursThreads}) | ${fixed(row.torch, 3)} (${row.torchThreads ?? '–'}) | ${fixed(row.ratio, 3)}${flag(row)} | ${fixed(row.gflopsPerSecond, 1)} | ${fixed(100 * row.ceilingFraction, 1)}% | ${fixed(row.torchGflopsPerSecond, 1)} | ${mib(row.peakRssBytes)} (${mib(row.torchPeakRssBytes)}) | ${fixed(row.peakTensorBytes / 2 ** 20, 1)} | ${mib(row.wasmHeapBytes)} |`);
const table = [header, `|${'---|'.repeat(11)}`, ...rows].join('\n');
const threadHeader = '| workload | threads | ours ms/step | PyTorch ms/step | ratio | ours GFLOP/s | of 44 × threads | peak RSS MiB ours (PyTorch) |';
const threadRows = results.flatMap((row) => row.byThreads.map((entry) => `| ${row.workload} | ${entry.threads} | ${fixed(entry.oursMedianStepMs, 1)} | ${fixed(entry.torchMedianStepMs, 1)} | ${entry.torchMedianStepMs === undefined ? '–' : fixed(entry.torchMedianStepMs / entry.oursMedianStepMs, 3)} | ${fixed(entry.gflopsPerSecond, 1)} | ${fixed(100 * entry.ceilingFraction, 1)}% | ${mib(entry.peakRssBytes)} (${mib(entry.torchPeakRssBytes)}) |`));
const threadTable = [threadHeader, `|${'---|'.repeat(8)}`, ...threadRows].join('\n');
// --against: this build and the other one, best setting of each, and each against PyTorch in the same run.
const againstHeader = '| workload | ours ms/step (threads) | against ms/step (threads) | ours / against speed | ours/PyTorch | against/PyTorch | by thread setting: ours / against speed |';
const againstRows = results.map((row) => `| ${row.workload} | ${fixed(row.oursMedianStepMs, 2)} (${row.oursThreads}) | ${fixed(row.againstMedianStepMs, 2)} (${row.againstThreads ?? '–'}) | ${row.againstMedianStepMs === undefined ? '–' : fixed(row.againstMedianStepMs / row.oursMedianStepMs, 3)} | ${fixed(row.ratio, 3)} | ${fixed(row.againstRatio, 3)} | ${row.byThreads.map((entry) => `${entry.threads}: ${entry.againstMedianStepMs === undefined ? '–' : fixed(entry.againstMedianStepMs / entry.oursMedianStepMs, 3)}`).join(', ')} |`);
const againstTable = againstScript === undefined ? '' : [`Against ${args.against} (interleaved: ours, then it, then torch, in every round and thread setting):`, '', againstHeader, `|${'---|'.repeat(7)}`, ...againstRows].join('\n');
const environment = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  loadAverageEnd: os.loadavg(),
  backend: args.backend,
  threadCounts,
  nativeSgemm: args['native-sgemm'] ?? null,
  rounds,
  quick: args.quick,
  against: args.against ?? null,
  torch: torch.available ? { version: torch.version, threadArgs: Object.fromEntries(workloads.flatMap((name) => threadCounts.map((count) => [`${name}-${count}`, torchThreadArgs(name, count).join(' ')]))), blas: torch.blas, referenceBlas: torch.referenceBlas, matmul512Gflops: torch.matmul512Gflops, blasOverride: args['torch-blas'] } : { skipped: torch.reason },
};
console.log(`\n${table}\n\n${threadTable}\n${againstTable === '' ? '' : `\n${againstTable}\n`}`);
console.log(`Load average at end: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}. Medians over ${rounds} round(s); ratio = PyTorch's median step time / ours, best setting of each side.`);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', `${args.out}.json`), `${JSON.stringify({ environment, results }, null, 2)}\n`);
writeFileSync(join(here, 'results', `${args.out}.md`), [
  '# Workload benchmark (latest run)',
  '',
  `${environment.date}, Node ${environment.node}, ${environment.cpus} CPUs (${environment.cpuModel}), load average at end ${environment.loadAverageEnd.map((value) => value.toFixed(2)).join(' ')}.`,
  `Backend ${args.backend}${args['native-sgemm'] ? ' with the native OpenBLAS BatchMatMul prototype' : ''}; thread settings ${threadVariants.map((variant) => variant.label).join(', ')} for ours (NxP: N threads, XNNPACK pool of P), ${threadCounts.join(', ')} for torch; ${rounds} interleaved round(s), medians; the first table compares the best setting of each side.`,
  torch.available
    ? `PyTorch ${torch.version} (${workloads.flatMap((name) => threadCounts.map((count) => `${name.toUpperCase()}×${count}: ${torchThreadArgs(name, count).join(' ')}`)).join('; ')}), BLAS ${torch.blas.join(', ')}${torch.referenceBlas ? ' (reference BLAS: slow Linear layers)' : ''}, matMul 512³ ${torch.matmul512Gflops.toFixed(1)} GFLOP/s.`
    : `PyTorch reference ${torch.reason}.`,
  '',
  table,
  '',
  threadTable,
  '',
  ...(againstTable === '' ? [] : [againstTable, '']),
  'W2 and W4 time a prefix of the schedule and report whole-schedule seconds from the median step time.',
  '"of the wasm ceiling": fraction of the tfjs-wasm SIMD matMul ceiling, 44 GFLOP/s per thread.',
  '',
].join('\n'));
