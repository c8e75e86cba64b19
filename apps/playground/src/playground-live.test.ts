import { describe, expect, it } from 'vitest';
import { createCoalescingRunner } from './playground-live';

/** A task whose runs finish when the test says so. */
function controlledTask() {
  const finishers: Array<() => void> = [];
  let started = 0;
  const task = () =>
    new Promise<void>((resolve) => {
      started += 1;
      finishers.push(resolve);
    });
  return { task, finish: () => finishers.shift()?.(), started: () => started };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('coalesced live re-sampling', () => {
  it('runs at once when idle', async () => {
    const { task, finish, started } = controlledTask();
    const runner = createCoalescingRunner(task);
    const done = runner.request();
    expect(started()).toBe(1);
    expect(runner.running).toBe(true);
    finish();
    await done;
    expect(runner.running).toBe(false);
  });

  it('makes exactly one more run for any number of requests during a run', async () => {
    const { task, finish, started } = controlledTask();
    const runner = createCoalescingRunner(task);
    const done = runner.request();
    for (let index = 0; index < 25; index += 1) void runner.request();
    expect(started()).toBe(1);
    finish();
    await settle();
    expect(started()).toBe(2);
    finish();
    await done;
    expect(started()).toBe(2);
    expect(runner.running).toBe(false);
    void runner.request();
    expect(started()).toBe(3);
    finish();
  });

  it('ends the series when a run throws, and runs again on the next request', async () => {
    let calls = 0;
    const runner = createCoalescingRunner(async () => {
      calls += 1;
      if (calls === 1) throw new Error('sampling failed');
    });
    await expect(runner.request()).rejects.toThrow('sampling failed');
    expect(runner.running).toBe(false);
    await runner.request();
    expect(calls).toBe(2);
  });
});
