// Issue 15 (points 1, 2, 5): the publish and edge clients views rendered on their own, with a real
// registry and the page's real signing key (IndexedDB, WebCrypto): empty states, the key id, the
// version and alias choice, input checks before anything is sent, and a refused publish shown as a
// sentence first with the code in the details.
import * as tf from '@tensorflow/tfjs';
import { render } from 'preact';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { ClientsPanel } from '../../../demo/field/clients-panel.tsx';
import { PublishPanel } from '../../../demo/field/publish-panel.tsx';
import { createRng, fitPipeline, ingestDataset, profileTable } from '../../../src/data/index.ts';
import { EdgeflowError } from '../../../src/errors.ts';
import type { Lab } from '../../../src/index.ts';
import { MemoryModelStore } from '../../../src/registry/memory-store.ts';
import { createRegistry, type Registry } from '../../../src/registry/registry.ts';

const root = document.createElement('div');
document.body.append(root);
let registry: Registry;
const publishCalls: unknown[][] = [];
let lab: Lab;

beforeAll(async () => {
  await tf.setBackend('cpu');
  registry = await createRegistry({ store: new MemoryModelStore(), channel: null });
  // Only what the two views call: the registry, and publish (refused as a collector without keys refuses).
  lab = {
    registry,
    publish: (...args: unknown[]) => {
      publishCalls.push(args);
      return Promise.reject(
        new EdgeflowError(
          'FORBIDDEN',
          'POST http://127.0.0.1:4318/api/releases answered 403: This collector has no trusted release keys, so it refuses uploads. Start it with --release-keys-file.',
          { details: { status: 403 } },
        ),
      );
    },
  } as unknown as Lab;
});
afterAll(async () => {
  render(null, root);
  await registry.close();
});

const q = (testId: string): HTMLElement | null => root.querySelector(`[data-testid="${testId}"]`);

function type(testId: string, value: string): void {
  const input = q(testId) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

async function registerVersion(): Promise<void> {
  const rng = createRng(9);
  const rows = Array.from({ length: 60 }, () => {
    const x1 = Math.fround(rng.normal());
    return { x1, label: x1 > 0 ? 'yes' : 'no' };
  });
  const ds = await ingestDataset({ rows }, { target: 'label' });
  const pipeline = fitPipeline(ds.table, ds.schema);
  const net = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [pipeline.featureCount], units: 2, activation: 'softmax' })],
  });
  const version = await registry.saveModel('iris', net, {
    pipeline: pipeline as never,
    profile: profileTable(ds.table, ds.schema) as never,
    signature: { columns: pipeline.columns.map((c) => ({ name: c.name, type: c.type })) } as never,
  });
  net.dispose();
  await registry.moveAlias('iris', 'champion', version.version, { reason: 'test' });
}

test('empty states: nothing registered to publish, no dataset for clients; the page key is shown by id', async () => {
  render(
    <>
      <PublishPanel lab={lab} />
      <ClientsPanel lab={lab} />
    </>,
    root,
  );
  await vi.waitFor(() => expect(q('publish-empty')?.textContent).toContain('Nothing is registered yet'));
  await vi.waitFor(() => expect(q('signing-key-id')?.textContent).toMatch(/^[0-9a-f]{32}$/));
  expect(q('clients-empty')?.textContent).toContain('No clients running');
  expect(q('clients-no-dataset')?.textContent).toContain('Load a dataset');
  expect((q('start-clients') as HTMLButtonElement).disabled).toBe(true);
  expect((q('stop-clients') as HTMLButtonElement).disabled).toBe(true);
  expect(q('publish-result')?.textContent).toContain('No release published');
});

test('a registered version appears with its alias; bad input disables Publish; a refusal leads with what to do', async () => {
  await registerVersion();
  await vi.waitFor(() => expect(q('publish-version')).not.toBeNull());
  const select = q('publish-version') as HTMLSelectElement;
  await vi.waitFor(() => expect(select.value).toBe('champion'));
  expect([...select.options].map((o) => o.textContent)).toEqual(['champion → v1', 'v1']);
  const button = q('publish-button') as HTMLButtonElement;
  await vi.waitFor(() => expect(button.disabled).toBe(false));

  type('publish-rollout', '150');
  await vi.waitFor(() => expect(button.disabled).toBe(true));
  expect(q('publish-rollout')?.getAttribute('aria-invalid')).toBe('true');
  type('publish-rollout', '10');
  type('publish-channel', 'Beta Channel');
  await vi.waitFor(() => expect(button.disabled).toBe(true));
  type('publish-channel', 'beta');
  await vi.waitFor(() => expect(button.disabled).toBe(false));

  button.click();
  await vi.waitFor(() => expect(q('publish-error')).not.toBeNull(), { timeout: 30_000 });
  const error = q('publish-error') as HTMLElement;
  expect(error.getAttribute('role')).toBe('alert');
  expect(error.getAttribute('data-code')).toBe('FORBIDDEN');
  expect(error.querySelector('p')?.textContent).toContain('trusts no release signing key');
  expect(error.querySelector('details code')?.textContent).toBe('FORBIDDEN');
  // What the view asked for: the alias, the channel and rollout typed, signed with the page key, to this origin.
  expect(publishCalls).toHaveLength(1);
  const [model, version, options] = publishCalls[0] as [string, string, Record<string, unknown>];
  expect([model, version]).toEqual(['iris', 'champion']);
  expect(options).toMatchObject({
    channel: 'beta',
    rolloutPercent: 10,
    target: { kind: 'collector', collector: { url: location.origin } },
  });
  expect((options.signingKey as { keyId: string }).keyId).toBe(q('signing-key-id')?.textContent);
  expect(q('publish-result')?.textContent).toContain('No release published');
});
