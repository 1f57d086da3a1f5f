// backend-probe: does `'auto'` pick the fastest backend? Trains the same MLP (784-256-256-10,
// batch 256) on every backend inside a lab worker; value = samples/s of the backend 'auto' chose,
// baseline = the best measured. ratio 1.0 means auto picked the fastest.
import { createLab } from '../src/index.ts';
import { defineBench } from './harness.ts';

export default defineBench({
  name: 'backend-probe',
  where: 'browser',
  async run(ctx) {
    const lab = await createLab({ backend: 'auto', workers: 1 });
    try {
      const chosen = await lab.runtime({ reprobe: true });
      ctx.log(`auto chose ${chosen.backend}: ${chosen.reason}`);
      const shape = {
        inputs: 784,
        hidden: [256, 256],
        classes: 10,
        batchSize: 256,
        steps: ctx.quick ? 2 : 5,
      };
      const figures = await lab.measureBackends(shape);
      const measured = figures.filter((f) => f.samplesPerSecond !== null);
      const best = measured.reduce((a, b) => ((b.samplesPerSecond ?? 0) > (a.samplesPerSecond ?? 0) ? b : a));
      const autoFigure = figures.find((f) => f.backend === chosen.backend);
      return {
        unit: 'samples/s',
        value: autoFigure?.samplesPerSecond ?? 0,
        baseline: best.samplesPerSecond ?? 0,
        better: 'higher',
        extra: {
          auto: chosen.backend,
          fastest: best.backend,
          adapter: chosen.adapter,
          perBackend: Object.fromEntries(
            figures.map((f) => [
              f.backend,
              f.samplesPerSecond === null ? `skipped: ${f.skipped}` : Math.round(f.samplesPerSecond),
            ]),
          ),
          warmupMs: Object.fromEntries(
            figures.map((f) => [f.backend, f.warmupMs === null ? null : Math.round(f.warmupMs)]),
          ),
          probe: chosen.probe?.map((p) => ({
            backend: p.backend,
            samplesPerSecond: p.samplesPerSecond && Math.round(p.samplesPerSecond),
          })),
        },
      };
    } finally {
      await lab.dispose();
    }
  },
});
