// Issue 11: privacy by construction. The release profile holds no category or bucket shared by fewer
// than minCount rows and no exact extreme; drift still works from it; and distinctive values pushed
// through predict + drift never appear in a serialized report or in the exported state.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { bucketKey } from '../../../src/data/float-sketch.ts';
import { ingestDataset, profileTable } from '../../../src/data/index.ts';
import { createPredictor, toReleaseProfile } from '../../../src/monitor/index.ts';
import type { Profile } from '../../../src/schemas/dataset.ts';
import { profileSchema } from '../../../src/schemas/dataset.ts';
import { makeRows, registerFixture } from './fixtures.ts';

const RARE = 'Zanzibar-rare-category';
const EXTREME = 123456.789;

let profile: Profile;
beforeAll(async () => {
  await tf.setBackend('cpu');
  const rows = makeRows(500, 31);
  // Two rows with a rare category, one with an extreme value far above the rest.
  (rows[0] as Record<string, unknown>).color = RARE;
  (rows[1] as Record<string, unknown>).color = RARE;
  (rows[2] as Record<string, unknown>).x2 = EXTREME;
  const ds = await ingestDataset({ rows }, { target: 'label' });
  profile = profileTable(ds.table, ds.schema);
});

describe('toReleaseProfile', () => {
  test('rare categories fold into the unnamed rest; every named count is ≥ minCount', () => {
    const original = profile.columns.find((c) => c.name === 'color');
    expect(original?.kind === 'categorical' && original.values).toContain(RARE);
    const release = toReleaseProfile(profile);
    expect(profileSchema.safeParse(release).success).toBe(true);
    const color = release.columns.find((c) => c.name === 'color');
    if (color?.kind !== 'categorical') throw new Error('color is categorical');
    expect(color.values).toEqual(['blue', 'green', 'red']);
    expect(color.counts.every((c) => c >= 5)).toBe(true);
    expect(color.count - color.counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(JSON.stringify(release)).not.toContain('Zanzibar');
  });

  test("numeric: every bucket holds ≥ minCount values, no exact min/max, the extreme's bucket is gone", () => {
    const release = toReleaseProfile(profile, { minCount: 5 });
    const x2 = release.columns.find((c) => c.name === 'x2');
    const before = profile.columns.find((c) => c.name === 'x2');
    if (x2?.kind !== 'numeric' || before?.kind !== 'numeric') throw new Error('x2 is numeric');
    expect(before.max).toBe(Math.fround(EXTREME));
    expect(x2.sketch.counts.every((c) => c >= 5)).toBe(true);
    expect(x2.sketch.counts.reduce((a, b) => a + b, 0)).toBe(before.count);
    expect(x2.sketch.keys).not.toContain(bucketKey(Math.fround(EXTREME)));
    expect(x2.max).toBeLessThan(100);
    expect(x2.min).not.toBe(before.min);
    // Mean and std come from the folded sketch: the outlier no longer drags them.
    expect(before.mean as number).toBeGreaterThan(200);
    expect(x2.mean as number).toBeLessThan(11);
    const text = JSON.stringify(release);
    expect(text).not.toContain('123456');
    expect(text).not.toContain(String(before.min));
  });

  test('drift works from the release profile: calm data stays calm, a shift is caught', async () => {
    const rows = makeRows(500, 31);
    const fixture = await registerFixture(rows, { model: 'released' });
    const version = await fixture.registry.getVersion('released');
    const release = toReleaseProfile(version.profile as unknown as Profile);
    const run = async (shift: number) => {
      const model = await tf.loadLayersModel(fixture.registry.loadHandler('released', version.version));
      const predictor = await createPredictor({ version: { ...version, profile: release as never }, model });
      await predictor.predict(makeRows(300, 40 + shift, { shift }).map(({ label: _, ...r }) => r));
      const report = predictor.driftReport();
      predictor.dispose();
      return report?.features.map((f) => `${f.name}:${f.drifted}`);
    };
    expect(await run(0)).toEqual(['x1:false', 'x2:false', 'color:false']);
    expect(await run(1)).toEqual(['x1:true', 'x2:false', 'color:false']);
  });
});

describe('reports and exported state', () => {
  test('distinctive values pushed through predict + drift never appear in what the monitor exposes', async () => {
    const fixture = await registerFixture(makeRows(500, 32), { model: 'private' });
    const predictor = await createPredictor({
      registry: fixture.registry,
      model: 'private',
      unseenCategories: 'encode',
      drift: { window: { rows: 200 } },
    });
    const serialized: string[] = [];
    predictor.subscribe((event) => serialized.push(JSON.stringify(event)));
    const rows = makeRows(199, 33).map(({ label: _, ...r }) => r);
    rows.push({ x1: 987654.321, x2: -31415.9265, color: 'Secret-Customer-4711' });
    const results = await predictor.predict(rows);
    const id = results.find((r) => r.ok)?.ok ? (results.find((r) => r.ok) as { id: string }).id : '';
    predictor.recordOutcome(id, 'yes');
    await predictor.predict(rows.slice(0, 10));
    serialized.push(JSON.stringify(predictor.exportState()));
    serialized.push(JSON.stringify(predictor.stats()));
    serialized.push(JSON.stringify(predictor.driftReport()));
    expect(serialized.some((s) => s.includes('"type":"drift"'))).toBe(true);
    const all = serialized.join('\n');
    for (const secret of ['987654', '31415', 'Secret-Customer', '4711']) expect(all).not.toContain(secret);
    predictor.dispose();
  });
});
