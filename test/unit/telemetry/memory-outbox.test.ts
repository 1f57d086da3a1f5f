// Issue 12: the outbox contract on the in-memory outbox (the IndexedDB one runs it in Chromium).
import { describe } from 'vitest';
import { createMemoryOutbox } from '../../../src/telemetry/index.ts';
import { outboxContract } from './outbox.contract.ts';

describe('memory outbox', () => {
  outboxContract(async (limits) => createMemoryOutbox(limits));
});
