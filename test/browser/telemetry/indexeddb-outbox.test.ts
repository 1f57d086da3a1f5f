// Issue 12: the outbox contract on real IndexedDB in Chromium, and that two connections (as a page
// and a worker would hold) share one outbox.
import { describe, expect, it } from 'vitest';
import { openIndexedDbOutbox } from '../../../src/telemetry/index.ts';
import { outboxContract, requestWith } from '../../unit/telemetry/outbox.contract.ts';

let n = 0;
const freshName = (): string => `outbox-contract-${Date.now()}-${n++}`;

describe('IndexedDB outbox', () => {
  outboxContract((limits) => openIndexedDbOutbox({ ...limits, name: freshName() }));

  it('is shared by every connection to the origin’s database', async () => {
    const name = freshName();
    const a = await openIndexedDbOutbox({ name });
    const b = await openIndexedDbOutbox({ name });
    await a.append(requestWith(1), 'from-a');
    await b.append(requestWith(2), 'from-b');
    expect((await a.peek(10)).map((x) => x.key)).toEqual(['from-a', 'from-b']);
    const [first] = await b.peek(1);
    await b.remove([first?.seq ?? -1]);
    expect((await a.peek(10)).map((x) => x.key)).toEqual(['from-b']);
    a.close();
    b.close();
  });
});
