// telemetry-bundle: gzip size of an app that calls `startTelemetry` from `edgeflow/telemetry`, with
// every dependency bundled (OpenTelemetry API and SDK, idb, zod), built with Vite for production,
// and what dominates it. Baseline: the stock OpenTelemetry web metrics setup an app would otherwise
// ship (MeterProvider + PeriodicExportingMetricReader + OTLPMetricExporter over HTTP/JSON).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defineBench } from './harness.ts';

const telemetryEntry = fileURLToPath(new URL('../src/telemetry/index.ts', import.meta.url));

const OURS = `import { startTelemetry } from 'edgeflow/telemetry';
export const start = (endpoint) => startTelemetry({ endpoint });`;
const STOCK = `import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
export const start = (url) => new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url }) })] });`;

interface Built {
  gzip: number;
  minified: number;
  bySource: Record<string, number>;
}

async function buildApp(dir: string, name: string, source: string): Promise<Built> {
  const { build } = await import('vite');
  const entry = join(dir, `${name}.js`);
  writeFileSync(entry, source);
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: fileURLToPath(new URL('..', import.meta.url)),
    resolve: { alias: [{ find: /^edgeflow\/telemetry$/, replacement: telemetryEntry }] },
    build: { write: false, target: 'es2022', minify: true, lib: { entry, formats: ['es'], fileName: name } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as {
    output: { type: string; code?: string; modules?: Record<string, { renderedLength: number }> }[];
  }[];
  const chunks = outputs.flatMap((o) => o.output).filter((c) => c.type === 'chunk');
  const code = chunks.map((c) => c.code ?? '').join('\n');
  const bySource: Record<string, number> = {};
  for (const chunk of chunks)
    for (const [id, info] of Object.entries(chunk.modules ?? {})) {
      const pkg =
        /node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(id)?.[1] ??
        (id.includes('/src/') ? `src/${id.split('/src/')[1]?.split('/')[0]}` : 'app');
      bySource[pkg] = (bySource[pkg] ?? 0) + info.renderedLength;
    }
  return { gzip: gzipSync(code, { level: 9 }).byteLength, minified: code.length, bySource };
}

export default defineBench({
  name: 'telemetry-bundle',
  where: 'node',
  async run(ctx) {
    // Inside node_modules so the apps' bare imports resolve (a /tmp folder sees no packages).
    const dir = mkdtempSync(fileURLToPath(new URL('../node_modules/.telemetry-bundle-', import.meta.url)));
    try {
      const ours = await buildApp(dir, 'ours', OURS);
      const stock = await buildApp(dir, 'stock', STOCK);
      const top = Object.entries(ours.bySource)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${Math.round(v / 1024)} KB`);
      ctx.log(
        `ours ${ours.gzip} B gzip (${ours.minified} B min); stock ${stock.gzip} B gzip; largest: ${top.join(', ')}`,
      );
      return {
        unit: 'KB gzip',
        value: ours.gzip / 1024,
        baseline: stock.gzip / 1024,
        better: 'lower',
        extra: {
          minifiedBytes: ours.minified,
          renderedBytesBySource: Object.fromEntries(
            Object.entries(ours.bySource).sort((a, b) => b[1] - a[1]),
          ),
          baselineIs: 'MeterProvider + PeriodicExportingMetricReader + OTLPMetricExporter (http/json)',
        },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
