// Issue 12: the sender sends oldest first, removes only acknowledged batches, drops and counts
// 400s, keeps retryable batches with their key, and stops at once.
import { describe, expect, it } from 'vitest';
import { EdgeflowError } from '../../../src/errors.ts';
import {
  createMemoryOutbox,
  createOutboxSender,
  type SendResult,
  type Transport,
} from '../../../src/telemetry/index.ts';
import { requestWith } from './outbox.contract.ts';

function scripted(results: SendResult['kind'][]): Transport & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    async send(batch) {
      keys.push(batch.key);
      const kind = results.shift() ?? 'success';
      if (kind === 'success') return { kind, status: 200, rejectedDataPoints: 0 };
      if (kind === 'retryable')
        return { kind, status: 503, retryAfterMs: 0, error: new EdgeflowError('OVERLOADED', '503') };
      return {
        kind,
        status: 400,
        reason: 'rejected-400',
        error: new EdgeflowError('INVALID_ARGUMENT', '400'),
      };
    },
  };
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met in 2 s');
}

describe('outbox sender', () => {
  it('sends in order, retries with the same key, drops and counts a 400', async () => {
    const outbox = createMemoryOutbox();
    for (const k of ['a', 'b', 'c']) await outbox.append(requestWith(1), k);
    const transport = scripted(['retryable', 'success', 'failure', 'success']);
    const errors: string[] = [];
    const sender = createOutboxSender({
      outbox,
      transport,
      lockName: null,
      channelName: null,
      retry: { initialDelayMs: 5, maxDelayMs: 10 },
      onError: (e) => errors.push(e.code),
    });
    sender.start();
    await until(async () => (await outbox.size()).batches === 0);
    await sender.stop();
    expect(transport.keys).toEqual(['a', 'a', 'b', 'c']);
    expect(sender.stats).toEqual({ sent: 2, retried: 1, refused: { 'rejected-400': 1 } });
    expect(errors).toEqual(['OVERLOADED', 'INVALID_ARGUMENT']);
    expect(await outbox.pendingDrops()).toEqual({ 'rejected-400': 1 });
  });

  it('wakes on notify and stops sending after stop()', async () => {
    const outbox = createMemoryOutbox();
    const transport = scripted([]);
    const sender = createOutboxSender({
      outbox,
      transport,
      lockName: null,
      channelName: null,
      pollMs: 60_000,
    });
    sender.start();
    await outbox.append(requestWith(1), 'x');
    sender.notify();
    await until(() => transport.keys.length === 1);
    await sender.stop();
    await outbox.append(requestWith(2), 'y');
    sender.notify();
    await new Promise((r) => setTimeout(r, 50));
    expect(transport.keys).toEqual(['x']);
    expect((await outbox.peek(5)).map((b) => b.key)).toEqual(['y']);
  });
});
