import { describe, expect, test } from 'vitest';
import { createBackendGate } from '../../../src/lab/backend-gate.ts';

/** A promise and its resolver, to hold a job open. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

describe('backend gate', () => {
  // Issue 17, defect 11: the parity check switched the global backend while another job of the same
  // worker ran tfjs ops; a job under another key must wait until the switch is undone.
  test('jobs with one key overlap; a job with another key waits for them, and later jobs wait for it', async () => {
    const gate = createBackendGate();
    const events: string[] = [];
    const a = deferred();
    const b = deferred();
    const parity = deferred();
    const job = (name: string, key: string, hold: Promise<void>) =>
      gate.use(key, async () => {
        events.push(`start ${name}`);
        await hold;
        events.push(`end ${name}`);
        return name;
      });
    const first = job('train-a', 'dense-train', a.promise);
    const second = job('predict-b', 'dense-train', b.promise);
    await tick();
    expect(events).toEqual(['start train-a', 'start predict-b']);
    expect(gate.state).toEqual({ key: 'dense-train', holders: 2, waiting: 0 });
    const exclusive = job('parity', 'parity:run-1', parity.promise);
    // A same-key job arriving after a waiter queues behind it (no starvation).
    const late = job('predict-c', 'dense-train', Promise.resolve());
    await tick();
    expect(gate.state).toEqual({ key: 'dense-train', holders: 2, waiting: 2 });
    a.resolve();
    await tick();
    expect(events).not.toContain('start parity');
    b.resolve();
    await tick();
    expect(events).toContain('start parity');
    expect(events).not.toContain('start predict-c');
    parity.resolve();
    expect(await Promise.all([first, second, exclusive, late])).toEqual([
      'train-a',
      'predict-b',
      'parity',
      'predict-c',
    ]);
    expect(events).toEqual([
      'start train-a',
      'start predict-b',
      'end train-a',
      'end predict-b',
      'start parity',
      'end parity',
      'start predict-c',
      'end predict-c',
    ]);
    expect(gate.state).toEqual({ key: null, holders: 0, waiting: 0 });
  });

  test('a job that throws releases the gate', async () => {
    const gate = createBackendGate();
    await expect(
      gate.use('x', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(gate.state).toEqual({ key: null, holders: 0, waiting: 0 });
    expect(await gate.use('y', async () => 7)).toBe(7);
  });
});
