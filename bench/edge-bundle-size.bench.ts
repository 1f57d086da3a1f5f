// edge-bundle-size: the gzip size of an app that imports only `edgeflow/edge` (tfjs external, as the
// app ships tfjs anyway), built with Vite for production. Two apps: one that uses `createEdgeClient`
// alone (what tree-shaking keeps) and one that keeps the whole barrel. The baseline is the issue's
// budget, 40 KB gzip (ratio ≥ 1 = within budget). Also checks that nothing from src/train or
// src/lab is in either bundle. The client app is measured twice: everything it can load (all chunks)
// and what its start loads (the entry chunk and the chunks it imports statically; the registry comes
// with the first update, through a dynamic import).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { packageImportsFromSources } from '../scripts/package-imports-from-sources.mjs';
import { type BenchMeasurement, defineBench } from './harness.ts';

const BUDGET_BYTES = 40 * 1024;
const edgeEntry = fileURLToPath(new URL('../src/edge/index.ts', import.meta.url));

const APPS: Record<string, string> = {
  'edge-bundle-client': `import { createEdgeClient } from 'edgeflow/edge';
export async function start(publicKeys) {
  const client = await createEdgeClient({ baseUrl: '/releases', model: 'm', channel: 'stable', publicKeys });
  client.start();
  return client;
}`,
  'edge-bundle-barrel': `import * as edge from 'edgeflow/edge';
export const all = edge;`,
};

export default defineBench({
  name: 'edge-bundle-size',
  where: 'node',
  async run(ctx) {
    const { build } = await import('vite');
    const dir = mkdtempSync(join(tmpdir(), 'edge-bundle-'));
    const measurements: BenchMeasurement[] = [];
    try {
      for (const [bench, source] of Object.entries(APPS)) {
        const entry = join(dir, `${bench}.js`);
        writeFileSync(entry, source);
        const result = await build({
          configFile: false,
          logLevel: 'silent',
          plugins: [packageImportsFromSources({ target: 'browser' })],
          resolve: { alias: [{ find: /^edgeflow\/edge$/, replacement: edgeEntry }] },
          build: {
            write: false,
            target: 'es2022',
            minify: true,
            lib: { entry, formats: ['es'], fileName: bench },
            rollupOptions: { external: [/^@tensorflow\//] },
          },
        });
        const outputs = (Array.isArray(result) ? result : [result]) as {
          output: {
            type: string;
            fileName: string;
            isEntry?: boolean;
            imports?: string[];
            code?: string;
            moduleIds?: string[];
          }[];
        }[];
        const chunks = outputs.flatMap((o) => o.output).filter((c) => c.type === 'chunk');
        const code = chunks.map((c) => c.code ?? '').join('\n');
        const modules = chunks.flatMap((c) => c.moduleIds ?? []);
        const forbidden = modules.filter((m) => /[/\\]src[/\\](train|lab)[/\\]/.test(m));
        if (forbidden.length > 0)
          throw new Error(`${bench} pulls in training or lab code: ${forbidden.join(', ')}`);
        const gzip = gzipSync(code, { level: 9 }).byteLength;
        // The start: the entry chunk and, transitively, what it imports statically.
        const byName = new Map(chunks.map((c) => [c.fileName, c]));
        const startup = new Set<string>(chunks.filter((c) => c.isEntry).map((c) => c.fileName));
        for (const name of startup)
          for (const imported of byName.get(name)?.imports ?? [])
            if (byName.has(imported)) startup.add(imported);
        const startupCode = [...startup].map((name) => byName.get(name)?.code ?? '').join('\n');
        const startupGzip = gzipSync(startupCode, { level: 9 }).byteLength;
        const biggest = Object.entries(
          modules.reduce<Record<string, number>>((acc, m) => {
            const pkg =
              /node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(m)?.[1] ??
              (m.includes('/src/') ? `src/${m.split('/src/')[1]?.split('/')[0]}` : 'app');
            acc[pkg] = (acc[pkg] ?? 0) + 1;
            return acc;
          }, {}),
        ).sort((a, b) => b[1] - a[1]);
        ctx.log(
          `${bench}: ${code.length} B minified, ${gzip} B gzip, ${modules.length} modules, ${chunks.length} chunks; start-up ${startupGzip} B gzip`,
        );
        if (startup.size < chunks.length) {
          measurements.push({
            bench: `${bench}-startup`,
            unit: 'KB gzip',
            value: startupGzip / 1024,
            baseline: BUDGET_BYTES / 1024,
            better: 'lower',
            extra: { gzipBytes: startupGzip, chunks: [...startup] },
          });
        }
        measurements.push({
          bench,
          unit: 'KB gzip',
          value: gzip / 1024,
          baseline: BUDGET_BYTES / 1024,
          better: 'lower',
          extra: {
            minifiedBytes: code.length,
            gzipBytes: gzip,
            modules: modules.length,
            modulesBySource: Object.fromEntries(biggest),
            trainOrLabModules: forbidden.length,
          },
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return measurements;
  },
});
