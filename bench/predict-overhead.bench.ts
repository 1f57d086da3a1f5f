// predict-overhead: the Predictor on raw rows (checks, pipeline, model, monitoring: latency
// histograms, drift window, outcome memory) against raw `model.predict` on the already-transformed
// tensor (tensor2d + predict + data() + dispose), same model, same backend, batch 1 and batch 256,
// alternating. Goal ratio ≥ 0.9 at batch 256; batch 1 reported as it is. Also measures monitoring
// alone: the same Predictor with drift and outcomes off, as a share of the monitored predict time.
// At batch 256 it also measures `predictBatch` (typed-array output), on row objects and on columns.
import * as tf from '@tensorflow/tfjs';
import { ingestDataset } from '../src/data/ingest.ts';
import { fitPipeline, transformRows } from '../src/data/pipeline.ts';
import { createRng } from '../src/data/prng.ts';
import { profileTable } from '../src/data/profile.ts';
import { createPredictor } from '../src/monitor/index.ts';
import { MemoryModelStore } from '../src/registry/memory-store.ts';
import { createRegistry } from '../src/registry/registry.ts';
import { activateBackend } from '../src/runtime/backends.ts';
import { type BenchMeasurement, defineBench, timeAlternating } from './harness.ts';

function rowsOf(count: number, seed: number): Record<string, unknown>[] {
  const rng = createRng(seed);
  const colors = ['red', 'green', 'blue', 'yellow'];
  return Array.from({ length: count }, () => {
    const row: Record<string, unknown> = {};
    for (let f = 0; f < 8; f++) row[`x${f}`] = rng.normal() * (f + 1);
    row.color = colors[rng.nextInt(4)];
    row.size = rng.next() < 0.5 ? 'small' : 'large';
    row.label = rng.next() < 0.4 ? 'a' : rng.next() < 0.5 ? 'b' : 'c';
    return row;
  });
}

export default defineBench({
  name: 'predict-overhead',
  where: 'browser',
  async run(ctx) {
    const backend = 'wasm';
    await activateBackend(backend);
    const training = rowsOf(2000, 1);
    const ds = await ingestDataset({ rows: training }, { target: 'label' });
    const pipeline = fitPipeline(ds.table, ds.schema);
    const profile = profileTable(ds.table, ds.schema);
    const measurements: BenchMeasurement[] = [];
    // The small MLP the figures use, and a wider one (as in train-overhead) for scale: the
    // Predictor's cost per row is fixed, so its share shrinks as the model grows.
    const cases = [
      { hidden: [64, 64], batches: [1, 256], name: '' },
      { hidden: [256, 256], batches: [256], name: '-mlp256' },
    ];
    for (const shape of cases) {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({
            inputShape: [pipeline.featureCount],
            units: shape.hidden[0] as number,
            activation: 'relu',
          }),
          tf.layers.dense({ units: shape.hidden[1] as number, activation: 'relu' }),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      });
      const registry = await createRegistry({ store: new MemoryModelStore(), channel: null });
      await registry.saveModel('bench', model, { pipeline: pipeline as never, profile: profile as never });
      const monitored = await createPredictor({
        registry,
        model: 'bench',
        drift: { window: { rows: 5000 } },
      });
      const bare = await createPredictor({
        registry,
        model: 'bench',
        drift: { enabled: false },
        outcomeCapacity: 0,
      });
      for (const batch of shape.batches) {
        const rows = rowsOf(batch, 2).map(({ label: _, ...r }) => r);
        const x = transformRows(pipeline, rows);
        const raw = async () => {
          const out = tf.tidy(
            () => model.predict(tf.tensor2d(x, [batch, pipeline.featureCount])) as tf.Tensor,
          );
          await out.data();
          out.dispose();
        };
        const rounds = ctx.quick ? 30 : batch === 1 ? 400 : 150;
        // Several calls per timed sample, so timer resolution does not dominate batch 1.
        const calls = batch === 1 ? 20 : 4;
        const repeat = (fn: () => Promise<unknown>) => async () => {
          for (let i = 0; i < calls; i++) await fn();
        };
        const timed = await timeAlternating(
          repeat(() => monitored.predict(rows)),
          repeat(raw),
          rounds,
        );
        const monitoring = await timeAlternating(
          repeat(() => monitored.predict(rows)),
          repeat(() => bare.predict(rows)),
          rounds,
        );
        const perCall = (ms: number) => ms / calls;
        ctx.log(
          `mlp ${shape.hidden.join('-')} batch ${batch}: predictor ${perCall(timed.ours).toFixed(3)} ms, raw ${perCall(timed.theirs).toFixed(3)} ms`,
        );
        measurements.push({
          bench: `predict-overhead-batch${batch}${shape.name}`,
          unit: 'rows/s',
          value: (batch * 1000) / perCall(timed.ours),
          baseline: (batch * 1000) / perCall(timed.theirs),
          better: 'higher',
          extra: {
            backend,
            features: pipeline.featureCount,
            hidden: shape.hidden,
            predictorMs: perCall(timed.ours),
            rawMs: perCall(timed.theirs),
            monitoringShare: (monitoring.ours - monitoring.theirs) / monitoring.ours,
            unmonitoredMs: perCall(monitoring.theirs),
          },
        });
        if (batch > 1 && shape.name === '') {
          // The typed-array API on the same rows, and on the same values as columns.
          const columns = {
            columns: Object.fromEntries(
              Object.keys(rows[0] ?? {}).map((name) => [
                name,
                typeof rows[0]?.[name] === 'number'
                  ? Float32Array.from(rows, (r) => r[name] as number)
                  : rows.map((r) => r[name]),
              ]),
            ),
          };
          for (const [suffix, input] of [
            ['-predictBatch', rows],
            ['-predictBatch-columns', columns],
          ] as const) {
            const side = await timeAlternating(
              repeat(() => monitored.predictBatch(input)),
              repeat(raw),
              rounds,
            );
            ctx.log(
              `mlp ${shape.hidden.join('-')} batch ${batch}${suffix}: predictor ${perCall(side.ours).toFixed(3)} ms, raw ${perCall(side.theirs).toFixed(3)} ms`,
            );
            measurements.push({
              bench: `predict-overhead-batch${batch}${suffix}`,
              unit: 'rows/s',
              value: (batch * 1000) / perCall(side.ours),
              baseline: (batch * 1000) / perCall(side.theirs),
              better: 'higher',
              extra: { backend, predictorMs: perCall(side.ours), rawMs: perCall(side.theirs) },
            });
          }
        }
      }
      monitored.dispose();
      bare.dispose();
      model.dispose();
      await registry.close();
    }
    return measurements;
  },
});
