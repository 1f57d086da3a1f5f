import { describe, expect, test, vi } from 'vitest';
import { createBackendGate } from '../../../src/lab/backend-gate.ts';
import type { LabWorkerContext } from '../../../src/lab/worker-api.ts';
import { createTrainingMethods } from '../../../src/lab/worker-training.ts';

// Issue 17, part 1: lab.predict runs tfjs ops, so it must wait while another job of the same worker
// (a parity check, a backend measurement) holds the backend gate under another key. In Node the
// registry is the in-memory store, empty, so a predict that got through ends in MODEL_NOT_FOUND.
function context(): {
  context: LabWorkerContext;
  gate: ReturnType<typeof createBackendGate>;
  backends: string[];
} {
  const gate = createBackendGate();
  const backends: string[] = [];
  return {
    gate,
    backends,
    context: {
      settings: {} as never,
      datasets: { find: () => undefined } as never,
      backendGate: gate,
      ensureBackend: async (job) => {
        backends.push(job);
        return {} as never;
      },
    },
  };
}

describe('lab worker predict and the backend gate', () => {
  test('predict waits for a job under another key and touches no backend before it ends', async () => {
    const { context: ctx, gate, backends } = context();
    const methods = createTrainingMethods(ctx);
    const order: string[] = [];
    let finishParity = (): void => undefined;
    const parity = gate.use('parity', async () => {
      await new Promise<void>((resolve) => {
        finishParity = resolve;
      });
      order.push('parity done');
    });

    const predicted = methods.predict('penguins', 'champion', [{ bill: 1 }]).then(
      () => order.push('predict resolved'),
      (error: { code?: string }) => order.push(`predict ${error.code}`),
    );
    await vi.waitFor(() => expect(gate.state).toEqual({ key: 'parity', holders: 1, waiting: 1 }));
    expect(backends).toEqual([]);
    expect(order).toEqual([]);

    finishParity();
    await Promise.all([parity, predicted]);
    expect(order).toEqual(['parity done', 'predict MODEL_NOT_FOUND']);
    expect(backends).toEqual(['dense-train']);
    expect(gate.state).toEqual({ key: null, holders: 0, waiting: 0 });
  });
});
