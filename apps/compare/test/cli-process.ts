import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from './cli-helpers';

/** A running CLI: its output so far, a way to wait for a line, and its exit. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly outDir: string;
  stderr(): string;
  stdout(): string;
  /** Resolves when stderr matches `pattern` (rejects after `timeoutMs` or on exit). */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Exit code (or signal) and when it came (performance.now()). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts the built CLI with a config file in a fresh output folder, stages logged on stderr. */
export function startCli(config: Record<string, unknown>, flags: string[] = [], options: { outDir?: string; lifetimeMs?: number } = {}): CliProcess {
  const outDir = options.outDir ?? mkdtempSync(join(tmpdir(), 'compare-signal-'));
  const configPath = join(mkdtempSync(join(tmpdir(), 'compare-config-')), 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const child = spawn(process.execPath, [cliPath, '--config', configPath, '--out', outDir, ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DIFFUSION_COMPARE_STAGES: '1' },
    // Every child is bounded in time: a test that fails (or waits for a line that never comes) cannot leave it running.
    timeout: options.lifetimeMs ?? 300_000,
    killSignal: 'SIGKILL',
  });
  let stderr = '';
  let stdout = '';
  const watchers = new Set<() => void>();
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const watcher of watchers) watcher();
  });
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
  return {
    child,
    outDir,
    stderr: () => stderr,
    stdout: () => stdout,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stderr)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms; stderr:\n${stderr}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          if (pattern.test(stderr)) resolve();
          else reject(new Error(`the CLI exited before ${pattern}; stderr:\n${stderr}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          watchers.delete(check);
          child.off('exit', onExit);
        };
        watchers.add(check);
        child.on('exit', onExit);
        check();
      });
    },
    exited,
  };
}

/** Waits for the exit at most `timeoutMs`; kills the process (SIGKILL) and returns undefined when it does not come. */
export async function exitWithin(cli: CliProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number } | undefined> {
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs));
  const result = await Promise.race([cli.exited, timeout]);
  if (result === undefined) {
    cli.child.kill('SIGKILL');
    await cli.exited;
  }
  return result;
}
