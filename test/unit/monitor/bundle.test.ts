// Issue 11: an app that imports only edgeflow/monitor pulls in no training code. Bundles the barrel
// with rolldown (what Vite builds with), dependencies external, and lists the source modules it holds.
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('the edgeflow/monitor bundle holds no module of src/train/, src/lab/ or src/telemetry/', async () => {
  const bundle = await rolldown({
    input: `${root}src/monitor/index.ts`,
    platform: 'browser',
    // Dependencies (tfjs, zod…) are not ours to check; only which of our own modules come along.
    external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
    plugins: [
      {
        name: 'vite-url-imports',
        resolveId: (id: string) => (id.endsWith('?url') ? `\0url:${id}` : null),
        load: (id: string) => (id.startsWith('\0url:') ? 'export default "";' : null),
      },
    ],
  });
  const { output } = await bundle.generate({ format: 'esm' });
  await bundle.close();
  const modules = output
    .flatMap((chunk) => (chunk.type === 'chunk' ? chunk.moduleIds : []))
    .filter((id) => id.startsWith(root))
    .map((id) => id.slice(root.length));
  expect(modules).toContain('src/monitor/predictor.ts');
  // src/data/pipeline.ts only re-exports; the predict-time steps live in its pipeline-*.ts modules.
  expect(modules).toContain('src/data/pipeline-numeric.ts');
  expect(modules).toContain('src/data/pipeline-categorical.ts');
  expect(modules.filter((m) => /^src\/(train|lab|telemetry|evaluate)\//.test(m))).toEqual([]);
}, 60_000);
