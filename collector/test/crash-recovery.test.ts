// Issue 13: a collector process killed with SIGKILL in the middle of sustained ingest loses no
// acknowledged point, stores none twice (clients retry with the same batch key), and its SQLite
// file opens clean; SIGTERM finishes in-flight batches and closes the database.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  type CollectorProcess,
  requireBuiltCli,
  runCli,
  startCollectorProcess,
} from './helpers/collector-process.ts';
import { edgeflowBatch } from './helpers/otlp-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeflow-crash-'));
const dataDir = join(dir, 'data');
const T0 = Date.now() - 3_600_000;

beforeAll(() => requireBuiltCli());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Batch {
  key: string;
  body: string;
}

// Four devices, each with its own sequence of 512-point batches one minute apart.
function batchFor(sender: number, seq: number): Batch {
  const device = {
    instance: `dev-${sender}`,
    model: 'iris',
    version: 1,
    backend: 'wasm',
    deviceClass: 'gpu=none',
  };
  return { key: `dev-${sender}-${seq}`, body: JSON.stringify(edgeflowBatch(device, T0 + seq * 60_000)) };
}

async function send(url: string, batch: Batch): Promise<number> {
  const response = await fetch(new URL('/v1/metrics', url), {
    method: 'POST',
    body: batch.body,
    headers: { 'content-type': 'application/json', 'idempotency-key': batch.key },
  });
  await response.arrayBuffer();
  return response.status;
}

test('SIGKILL mid-ingest, restart, retry: every acknowledged point is there exactly once and the file is clean', async () => {
  let collector: CollectorProcess = await startCollectorProcess(['--data-dir', dataDir]);
  const acked = new Set<string>();
  const attempted: Batch[] = [];
  let killed = false;
  const sender = async (id: number): Promise<void> => {
    for (let seq = 0; !killed; seq++) {
      const batch = batchFor(id, seq);
      attempted.push(batch);
      try {
        if ((await send(collector.url, batch)) === 200) acked.add(batch.key);
      } catch {
        return; // the connection died with the process
      }
    }
  };
  const senders = [0, 1, 2, 3].map(sender);
  // Kill once enough has been acknowledged that the kill lands in sustained ingest.
  while (acked.size < 40) await new Promise((r) => setTimeout(r, 20));
  killed = true;
  collector.child.kill('SIGKILL');
  expect((await collector.exited).signal).toBe('SIGKILL');
  await Promise.all(senders);
  const ackedAtKill = [...acked];

  collector = await startCollectorProcess(['--data-dir', dataDir]);
  // Clients retry what they did not see acknowledged, with the same batch keys.
  for (const batch of attempted)
    if (!acked.has(batch.key)) expect(await send(collector.url, batch)).toBe(200);
  // A replay of an acknowledged batch is acknowledged and not stored again.
  expect(await send(collector.url, attempted[0] as Batch)).toBe(200);
  collector.child.kill('SIGTERM');
  expect(await collector.exited).toEqual({ code: 0, signal: null });
  // A clean close checkpoints the WAL into the main file.
  const wal = join(dataDir, 'collector.db-wal');
  expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);

  const db = new Database(join(dataDir, 'collector.db'), { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const keys = new Set(db.prepare('SELECT key FROM batches').pluck().all() as string[]);
    for (const key of ackedAtKill) expect(keys.has(key)).toBe(true);
    expect(keys.size).toBe(attempted.length);
    expect(db.prepare('SELECT count(*) FROM points').pluck().get()).toBe(attempted.length * 512);
    const duplicated = db
      .prepare(
        'SELECT count(*) FROM (SELECT series_id, time_ms FROM points GROUP BY series_id, time_ms HAVING count(*) > 1)',
      )
      .pluck()
      .get();
    expect(duplicated).toBe(0);
  } finally {
    db.close();
  }
});

test('the CLI explains a bad flag, a secret passed as a flag, an unwritable folder and --help', async () => {
  const badFlag = await runCli(['--prot', '4318']);
  expect(badFlag.code).toBe(2);
  expect(badFlag.stderr).toContain("Unknown option '--prot'");
  const secret = await runCli(['--admin-token', 'x']);
  expect(secret.code).toBe(2);
  expect(secret.stderr).toContain('secrets never go on the command line');
  const unwritable = await runCli(['--data-dir', '/proc/edgeflow']);
  expect(unwritable.code).toBe(2);
  expect(unwritable.stderr).toContain('--data-dir "/proc/edgeflow" is not a writable folder');
  const open = await runCli(['--host', '0.0.0.0', '--data-dir', join(dir, 'open')]);
  expect(open.code).toBe(1);
  expect(open.stderr).toContain('Refusing to listen on 0.0.0.0 without an API key');
  const help = await runCli(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('--api-key-file FILE');
});
