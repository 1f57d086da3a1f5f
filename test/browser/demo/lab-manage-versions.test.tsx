// Issue 18, point 13: two registered versions side by side in Compare (metrics, per-class F1,
// aliases), and an alias pointed at the other version and rolled back from there, with a real
// registry (memory store) and the alias log as the record.
import { render } from 'preact';
import { afterAll, expect, test, vi } from 'vitest';
import { VersionCompare } from '../../../demo/compare/version-compare.tsx';
import { createRegistry, MemoryModelStore, type Registry } from '../../../src/registry/index.ts';
import { fakeArtifacts } from '../../contracts/model-store.contract.ts';

/** `vi.waitFor` with room for a busy machine (two cores shared by several test runs). */
function until<T>(check: () => T | Promise<T>, _options?: { timeout?: number }): Promise<T> {
  return vi.waitFor(check, { timeout: 60_000, interval: 50 });
}

const root = document.createElement('div');
document.body.append(root);
let registry: Registry | undefined;
afterAll(async () => {
  render(null, root);
  await registry?.close();
});

const report = (f1a: number, f1b: number) => ({
  perClass: [
    { className: 'cat', precision: 0.9, recall: 0.8, f1: f1a, support: 10 },
    { className: 'dog', precision: 0.7, recall: 0.6, f1: f1b, support: 12 },
  ],
});

const text = (testId: string): string => root.querySelector(`[data-testid="${testId}"]`)?.textContent ?? '';
const click = (testId: string): void =>
  (root.querySelector(`[data-testid="${testId}"]`) as HTMLElement).click();

test('versions side by side; an alias moved to the other version and rolled back, logged', async () => {
  registry = await createRegistry({ store: new MemoryModelStore(), channel: null });
  await registry.registerVersion({
    model: 'pets',
    artifacts: fakeArtifacts(8, 1),
    metrics: { accuracy: 0.81, f1_macro: 0.7, report: report(0.85, 0.65) },
    signature: { columns: [], target: { name: 'kind', task: 'classification' } },
  });
  await registry.registerVersion({
    model: 'pets',
    artifacts: fakeArtifacts(8, 2),
    metrics: { accuracy: 0.9, f1_macro: 0.88, report: report(0.91, 0.86) },
    signature: { columns: [], target: { name: 'kind', task: 'classification' } },
  });
  await registry.moveAlias('pets', 'champion', 2, { reason: 'best' });
  render(<VersionCompare registry={registry} />, root);

  await until(() => expect(text('version-table')).toContain('v1'));
  const rows = [...root.querySelectorAll('[data-testid="version-table"] tbody tr')].map((tr) =>
    [...tr.children].map((c) => c.textContent),
  );
  expect(rows).toContainEqual(['accuracy', '0.81', '0.9']);
  expect(rows).toContainEqual(['F1 of dog', '0.65', '0.86']);
  expect(rows).toContainEqual(['aliases', '–', 'champion']);

  click('alias-move-champion-1');
  await until(() => expect(text('compare-alias-champion')).toContain('→ v1'));
  expect((await registry.getVersion('pets', 'champion')).version).toBe(1);
  click('alias-rollback-champion');
  await until(() => expect(text('compare-alias-champion')).toContain('→ v2'));
  const log = await registry.aliasLog('pets', 'champion');
  expect(log.map((m) => [m.from, m.to])).toEqual([
    [null, 2],
    [2, 1],
    [1, 2],
  ]);
  expect(log[2]?.reason).toContain('rolled back to v2');
});

test('no model yet: says how to get one', async () => {
  const empty = await createRegistry({ store: new MemoryModelStore(), channel: null });
  render(<VersionCompare registry={empty} />, root);
  await until(() => expect(root.textContent).toContain('No registered models yet'));
  render(null, root);
  await empty.close();
});
