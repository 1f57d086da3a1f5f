// Issue 15, the demo's edge clients view without the page: simulated clients (one dedicated worker
// each, createEdgeClient with its own IndexedDB store) update from a real HTTP release host, predict on
// rows drawn from a pool, drift the rows of the share of clients the page says, report through
// startTelemetry to a real OTLP sink, move to a new release on request and stop cleanly.
import * as tf from '@tensorflow/tfjs';
import { deleteDB } from 'idb';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import {
  checkForUpdates,
  clearDrift,
  clientsState,
  fleetState,
  setDrift,
  startClients,
  stopClients,
} from '../../../demo/field/edge-sim/clients.ts';
import { rowsFromChunks } from '../../../demo/field/edge-sim/dataset-rows.ts';
import {
  checkDriftSetting,
  drawRows,
  driftedClientCount,
  driftRow,
  poolFeatures,
  poolStats,
} from '../../../demo/field/edge-sim/row-drift.ts';
import { createRng, fitPipeline, ingestDataset, profileTable } from '../../../src/data/index.ts';
import {
  exportPublicKey,
  generateSigningKey,
  type PublicKeySet,
  publishVersion,
  type ReleaseWriter,
  type SigningKey,
} from '../../../src/edge/index.ts';
import { MemoryModelStore } from '../../../src/registry/memory-store.ts';
import { createRegistry, type Registry } from '../../../src/registry/registry.ts';
import { RESOURCE_ATTRIBUTE } from '../../../src/schemas/telemetry.ts';
import { resourceOf } from '../../unit/telemetry/otlp-json-decoder.ts';
import { sinkPosts, waitFor } from '../telemetry/telemetry-helpers.ts';
import { type Host, host, hostWriter } from './release-host-client.ts';

const prefix = `field-test-${Date.now()}`;
const model = `fleet-${Date.now()}`;
let registry: Registry;
let key: SigningKey;
let publicKeys: PublicKeySet;
let server: Host;
let writer: ReleaseWriter;
let sink: string;
const pool: Record<string, unknown>[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const rng = createRng(15);
  const colors = ['red', 'green', 'blue'];
  const rows = Array.from({ length: 600 }, () => {
    const x1 = Math.fround(rng.normal());
    const x2 = Math.fround(rng.normal() * 2 + 10);
    return { x1, x2, color: colors[rng.nextInt(3)] ?? 'red', label: x1 + (x2 - 10) / 2 > 0 ? 'yes' : 'no' };
  });
  for (const { label: _label, ...inputs } of rows.slice(0, 100)) pool.push(inputs);
  const ds = await ingestDataset({ rows }, { target: 'label' });
  const pipeline = fitPipeline(ds.table, ds.schema);
  registry = await createRegistry({ store: new MemoryModelStore(), channel: null });
  for (const seed of [1, 2]) {
    const net = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [pipeline.featureCount],
          units: 2,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed }),
        }),
      ],
    });
    await registry.saveModel('base', net, {
      pipeline: pipeline as never,
      profile: profileTable(ds.table, ds.schema) as never,
      signature: { columns: pipeline.columns.map((c) => ({ name: c.name, type: c.type })) } as never,
    });
    net.dispose();
  }
  key = await generateSigningKey();
  publicKeys = { keys: [await exportPublicKey(key)] };
  server = await host.startReleaseHost();
  writer = hostWriter(server);
  sink = await commands.startTelemetrySink();
});

afterAll(async () => {
  await stopClients();
  await host.stopReleaseHost(server.id);
  await commands.stopTelemetrySink(sink);
  await registry.close();
  for (let slot = 0; slot < 3; slot++) {
    await deleteDB(`${prefix}-edge-${slot}`);
    await deleteDB(`${prefix}-telemetry-${slot}`);
  }
});

function publish(version: number) {
  return publishVersion(registry, 'base', version, {
    signingKey: key,
    releaseModel: model,
    channel: 'stable',
    rolloutPercent: 100,
    goldenRows: pool.slice(0, 4),
    target: { kind: 'writer', writer },
  });
}

describe('row drift (what a drifted client predicts on)', () => {
  test('mean shift in pool standard deviations, scale, category mix and missing rate', () => {
    const stats = poolStats(pool);
    const x1 = stats.get('x1');
    expect(x1).toBeDefined();
    const rng = createRng(4);
    const random = () => rng.next();
    const shifted = drawRows(pool, 2000, { x1: { meanShift: 3 } }, stats, random);
    const mean = shifted.reduce((s, r) => s + (r.x1 as number), 0) / shifted.length;
    // Drawn with replacement from the pool, so the mean is the pool's plus 3 sd, up to sampling noise.
    expect(Math.abs(mean - ((x1?.mean ?? 0) + 3 * (x1?.sd ?? 0)))).toBeLessThan(0.3 * (x1?.sd ?? 1));
    const row = { x1: 2, x2: 10, color: 'red' };
    expect(driftRow(row, { x1: { scale: 0 } }, stats, random).x1).toBeCloseTo(x1?.mean ?? 0, 6);
    expect(driftRow(row, { color: { categoryMix: { blue: 1 } } }, stats, random).color).toBe('blue');
    expect(driftRow(row, { x2: { missingRate: 1 } }, stats, random).x2).toBeNull();
    // Features without a setting and undrifted rows are untouched.
    expect(driftRow(row, { x1: { meanShift: 1 } }, stats, random)).toMatchObject({ x2: 10, color: 'red' });
    expect(drawRows(pool, 50, null, stats, random).every((r) => pool.some((p) => p.x1 === r.x1))).toBe(true);
    expect(poolFeatures(pool).map((f) => [f.name, f.kind])).toEqual([
      ['x1', 'numeric'],
      ['x2', 'numeric'],
      ['color', 'categorical'],
    ]);
  });

  test('a drift setting out of range names the field; the share picks the first clients', () => {
    const codeOf = (f: () => void) => {
      try {
        f();
        return null;
      } catch (error) {
        return [(error as { code?: string }).code, (error as Error).message];
      }
    };
    expect(codeOf(() => checkDriftSetting({ share: 50, features: {} }))?.[0]).toBe('INVALID_ARGUMENT');
    const mix = codeOf(() =>
      checkDriftSetting({ share: 1, features: { color: { categoryMix: { red: 0.7, blue: 0.6 } } } }),
    );
    expect(mix?.[0]).toBe('INVALID_ARGUMENT');
    expect(mix?.[1]).toContain('features.color.categoryMix');
    expect(
      codeOf(() => checkDriftSetting({ share: 0.5, features: { x1: { missingRate: 1.5 } } }))?.[1],
    ).toContain('features.x1.missingRate');
    expect(driftedClientCount(0, 3)).toBe(0);
    expect(driftedClientCount(0.5, 3)).toBe(2);
    expect(driftedClientCount(1, 3)).toBe(3);
  });
});

test('the pool from stored columnar chunks: features only, missing as null, categories by name, evenly thinned', () => {
  const chunk = (start: number, n: number) => [
    {
      name: 'x',
      dtype: 'float32' as const,
      data: Float32Array.from({ length: n }, (_, i) => start + i).buffer,
    },
    {
      name: 'c',
      dtype: 'int32' as const,
      data: Int32Array.from({ length: n }, (_, i) => (start + i) % 2).buffer,
      dictionary: ['a', 'b'],
      mask: Uint8Array.from({ length: n }, (_, i) => (start + i === 1 ? 1 : 0)).buffer,
    },
    { name: 'flag', dtype: 'uint8' as const, data: Uint8Array.from({ length: n }, () => 1).buffer },
    { name: 'label', dtype: 'int32' as const, data: new Int32Array(n).buffer, dictionary: ['yes'] },
  ];
  const features = new Set(['x', 'c', 'flag']);
  const rows = rowsFromChunks([chunk(0, 3), chunk(3, 3)], features, 100);
  expect(rows).toEqual([
    { x: 0, c: 'a', flag: true },
    { x: 1, c: null, flag: true },
    { x: 2, c: 'a', flag: true },
    { x: 3, c: 'b', flag: true },
    { x: 4, c: 'a', flag: true },
    { x: 5, c: 'b', flag: true },
  ]);
  expect(rowsFromChunks([chunk(0, 6)], features, 3).map((r) => r.x)).toEqual([0, 2, 4]);
});

describe('simulated edge clients', () => {
  test('each in its own worker and store: update, predict, drift a share, report, move to a new release, stop', async () => {
    const first = await publish(1);
    expect(first.release).toBe(1);
    await startClients(null, {
      count: 2,
      rowsPerSecond: 40,
      model,
      channel: 'stable',
      rows: pool,
      baseUrl: server.url,
      telemetryEndpoint: sink,
      publicKeys,
      pollIntervalMs: 1000,
      telemetryIntervalMs: 1000,
      driftWindowRows: 80,
      driftWindowMs: 60_000,
      storePrefix: prefix,
    });
    expect(fleetState.value?.features.map((f) => f.name)).toEqual(['x1', 'x2', 'color']);
    await waitFor(
      () =>
        clientsState.value.length === 2 &&
        clientsState.value.every((c) => c.activeRelease === 1 && c.activeVersion === 1 && c.predictions > 0),
      60_000,
    );
    const [a, b] = clientsState.value;
    // Two devices: two install ids (each from its own store).
    expect(a?.installId).toMatch(/.+/);
    expect(a?.installId).not.toBe(b?.installId);
    expect(clientsState.value.every((c) => c.lastError === null)).toBe(true);

    // Half the fleet (client 0) predicts on rows with x1 shifted by 4 sd: its drift window sees it.
    setDrift({ share: 0.5, features: { x1: { meanShift: 4 } } });
    await waitFor(() => clientsState.value[0]?.drifted === true && clientsState.value[1]?.drifted === false);
    await waitFor(() => clientsState.value[0]?.lastDrift?.driftedFeatures.includes('x1') === true, 60_000);

    // Telemetry from both devices reached the sink: two instance ids, release 1, drift statistics.
    await waitFor(async () => {
      const posts = await sinkPosts(sink);
      const ids = new Set<string>();
      for (const post of posts) {
        const resource = resourceOf(post.request);
        const id = resource[RESOURCE_ATTRIBUTE.instanceId];
        if (typeof id === 'string' && resource[RESOURCE_ATTRIBUTE.release] === '1') ids.add(id);
      }
      // The drift report goes out with the export after the drift window closed, maybe a later one.
      return ids.size === 2 && posts.some((p) => p.body.includes('edgeflow.drift.statistic'));
    }, 60_000);
    const bodies = (await sinkPosts(sink)).map((p) => p.body).join('\n');
    expect(bodies).toContain('edgeflow.drift.statistic');
    expect(bodies).toContain('edgeflow.predict.rows');

    // A new release: every client takes it when asked, without waiting for its poll.
    const second = await publish(2);
    expect(second.release).toBe(2);
    const errors = await checkForUpdates();
    expect(errors).toEqual([]);
    await waitFor(
      () => clientsState.value.every((c) => c.activeRelease === 2 && c.activeVersion === 2),
      30_000,
    );

    clearDrift();
    await waitFor(() => clientsState.value.every((c) => !c.drifted));

    await stopClients();
    expect(fleetState.value).toBeNull();
    expect(clientsState.value.map((c) => [c.running, c.updateState])).toEqual([
      [false, 'stopped'],
      [false, 'stopped'],
    ]);
    // Stopping flushed: nothing left waiting in either client's outbox (the sink accepts everything).
    expect(clientsState.value.map((c) => c.outboxSize)).toEqual([0, 0]);
  });

  test('a release signed by a key the clients do not trust is refused and shown as the client’s error', async () => {
    const stranger = await generateSigningKey();
    const otherModel = `${model}-stranger`;
    await publishVersion(registry, 'base', 1, {
      signingKey: stranger,
      releaseModel: otherModel,
      channel: 'stable',
      target: { kind: 'writer', writer },
    });
    await startClients(null, {
      count: 1,
      rowsPerSecond: 5,
      model: otherModel,
      channel: 'stable',
      rows: pool,
      baseUrl: server.url,
      telemetryEndpoint: null,
      publicKeys,
      pollIntervalMs: 60_000,
      storePrefix: `${prefix}-stranger`,
    });
    try {
      await waitFor(
        () => clientsState.value[0]?.lastError !== null && clientsState.value[0]?.lastError !== undefined,
        30_000,
      );
      const [client] = clientsState.value;
      expect(client?.lastError?.code).toBe('UNKNOWN_KEY');
      expect(client?.activeRelease).toBeNull();
      expect(client?.updateState).toBe('update failed (UNKNOWN_KEY)');
    } finally {
      await stopClients();
      await deleteDB(`${prefix}-stranger-edge-0`);
    }
  });
});
