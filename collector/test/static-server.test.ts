import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { startCollector } from '../src/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeflow-static-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the collector serves the demo cross-origin isolated and answers health checks', async () => {
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>lab</title>');
  const collector = await startCollector({ port: 0, staticDir: dir });
  try {
    const page = await fetch(collector.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>lab</title>');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const health = await fetch(new URL('/healthz', collector.url));
    expect(await health.json()).toEqual({ ok: true });
  } finally {
    await collector.close();
  }
});

test('a missing static folder is a clear error', async () => {
  await expect(startCollector({ port: 0, staticDir: join(dir, 'nope') })).rejects.toThrow(
    /build the demo first/,
  );
});
