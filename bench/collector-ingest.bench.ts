// collector-ingest: OTLP/HTTP JSON points a second through the collector (Hono, zod-checked
// envelope, per-point checks, group commit into SQLite WAL) against a bare `node:http` handler doing
// the same JSON parse and the same SQLite inserts (WAL, one transaction a request), with realistic
// 512-point edgeflow batches and the load generator in the same process, alternating. Then the p99
// request latency of each at half the collector's peak rate, and the capacity estimate.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startCollector } from '../collector/src/server.ts';
import { migrate } from '../collector/src/storage/migrations.ts';
import { edgeflowBatch, POINTS_PER_EXPORT } from '../collector/test/helpers/otlp-fixtures.ts';
import { defineBench, timeAlternating } from './harness.ts';

const POINTS = 512;
const CONCURRENCY = 16;

type Point = {
  timeUnixNano: string;
  asDouble?: number;
  asInt?: string;
  count?: string;
  sum?: number;
  scale?: number;
  zeroCount?: string;
  positive?: unknown;
  attributes?: unknown[];
};
type Metric = {
  name: string;
  gauge?: { dataPoints: Point[] };
  sum?: { dataPoints: Point[] };
  exponentialHistogram?: { dataPoints: Point[] };
};
type Body = {
  resourceMetrics: { resource: { attributes: unknown[] }; scopeMetrics: { metrics: Metric[] }[] }[];
};

/** The baseline: node:http, JSON.parse, the same series/points inserts, one transaction a request. */
function startBareHandler(dbPath: string): Promise<{ url: string; close: () => Promise<void> }> {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  const insertSeries = db.prepare(
    `INSERT INTO series (key, metric, kind, model, version, release, backend, device_class, instance, feature, test, stage, error_type, attrs)
     VALUES (?, ?, 'gauge', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}')`,
  );
  const insertPoint = db.prepare(
    'INSERT INTO points (series_id, time_ms, value, count, hist) VALUES (?, ?, ?, ?, ?)',
  );
  const series = new Map<string, number>();
  const store = db.transaction((body: Body) => {
    for (const rm of body.resourceMetrics) {
      const resourceKey = JSON.stringify(rm.resource.attributes);
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics)
          for (const p of (m.gauge ?? m.sum ?? m.exponentialHistogram)?.dataPoints ?? []) {
            const key = `${m.name}\u0000${resourceKey}\u0000${JSON.stringify(p.attributes ?? [])}`;
            let id = series.get(key);
            if (id === undefined) {
              id = Number(insertSeries.run(key, m.name).lastInsertRowid);
              series.set(key, id);
            }
            const hist = p.positive ? JSON.stringify([p.scale, p.zeroCount, p.positive]) : null;
            insertPoint.run(
              id,
              Math.floor(Number(p.timeUnixNano) / 1e6),
              p.asDouble ?? Number(p.asInt ?? p.sum ?? 0),
              p.count ?? null,
              hist,
            );
          }
    }
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      store(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => {
              db.close();
              done();
            });
          }),
      }),
    ),
  );
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(url: string, body: string, key: string, retried = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'idempotency-key': key } },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve(res.statusCode) : reject(new Error(`status ${res.statusCode}`)),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed while idle (between phases) resets on reuse: send
      // again once on a fresh socket, as Node's docs advise (the idempotency key makes it safe).
      if (!retried && req.reusedSocket && error.code === 'ECONNRESET')
        post(url, body, key, true).then(resolve, reject);
      else reject(error);
    });
    req.end(body);
  });
}

/** Sends every body, `CONCURRENCY` at a time (closed loop: as fast as the server answers). */
async function drive(url: string, bodies: readonly string[], tag: string): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const i = next++;
      await post(url, bodies[i] as string, `${tag}-${i}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** Open loop at `perSecond` requests for `seconds`: each request's latency in ms. */
async function latencyAt(
  url: string,
  bodies: readonly string[],
  perSecond: number,
  seconds: number,
  tag: string,
): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.round(perSecond * seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    pending.push(
      post(url, bodies[i % bodies.length] as string, `${tag}-${i}`).then(
        () => void latencies.push(performance.now() - sent),
      ),
    );
  }
  await Promise.all(pending);
  return latencies;
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? Number.NaN;
}

export default defineBench({
  name: 'collector-ingest',
  where: 'node',
  async run(ctx) {
    const requests = ctx.quick ? 200 : 1200;
    const rounds = ctx.quick ? 2 : 4;
    const dir = mkdtempSync(join(tmpdir(), 'edgeflow-bench-ingest-'));
    const t0 = Date.now() - 86_400_000;
    // 64 devices, consecutive batches 1 minute apart: every point a new (series, time).
    const bodies = Array.from({ length: requests }, (_, i) =>
      JSON.stringify(
        edgeflowBatch(
          {
            instance: `dev-${i % 64}`,
            model: 'iris',
            version: 1 + (i % 2),
            backend: 'wasm',
            deviceClass: 'gpu=none;mem=8',
          },
          t0 + Math.floor(i / 64) * 60_000,
          POINTS,
        ),
      ),
    );
    const collector = await startCollector({
      port: 0,
      dataDir: join(dir, 'ours'),
      rateLimit: 0,
      maxPendingPoints: 1_000_000,
    });
    const bare = await startBareHandler(join(dir, 'bare.db'));
    const ours = new URL('/v1/metrics', collector.url).href;
    let oursRound = 0;
    let bareRound = 0;
    try {
      ctx.log(`${requests} requests × ${POINTS} points, ${CONCURRENCY} concurrent, ${rounds} rounds each`);
      const timing = await timeAlternating(
        () => drive(ours, bodies, `ours-${oursRound++}`),
        () => drive(bare.url, bodies, `bare-${bareRound++}`),
        rounds,
      );
      const oursRate = (requests * POINTS) / (timing.ours / 1000);
      const bareRate = (requests * POINTS) / (timing.theirs / 1000);
      ctx.log(
        `peak: collector ${Math.round(oursRate)} points/s, bare handler ${Math.round(bareRate)} points/s`,
      );
      const halfPeak = oursRate / 2 / POINTS;
      const seconds = ctx.quick ? 2 : 6;
      const oursLatency = p99(await latencyAt(ours, bodies, halfPeak, seconds, 'p99-ours'));
      const bareLatency = p99(await latencyAt(bare.url, bodies, halfPeak, seconds, 'p99-bare'));
      // One 5 s export of a device running a 20-feature model (drift statistic and flag and missing
      // rate per feature, drift share, prediction drift, 3 latency histograms, row count).
      const pointsPerDeviceSecond = POINTS_PER_EXPORT / 5;
      return [
        {
          unit: 'points/s',
          value: oursRate,
          baseline: bareRate,
          better: 'higher' as const,
          extra: {
            batchPoints: POINTS,
            requests,
            concurrency: CONCURRENCY,
            devicesPerCore: Math.floor(oursRate / pointsPerDeviceSecond),
            pointsPerDevicePerSecond: pointsPerDeviceSecond,
          },
        },
        {
          bench: 'collector-ingest-p99',
          unit: 'ms',
          value: oursLatency,
          baseline: bareLatency,
          better: 'lower' as const,
          extra: {
            requestsPerSecond: Math.round(halfPeak * 10) / 10,
            pointsPerSecond: Math.round(halfPeak * POINTS),
            seconds,
          },
        },
      ];
    } finally {
      await collector.close();
      await bare.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
