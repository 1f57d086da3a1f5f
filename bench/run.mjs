// `npm run bench [-- name…]`: runs benchmarks (bench/<name>.bench.ts) where each says — a headless
// Chromium page served by Vite (cross-origin isolated, WebGPU via SwiftShader), or Node — and prints
// one JSON line per measurement, then a table. BENCH_QUICK=1 asks for small sizes; BENCH_DISK=1
// gives the page a profile on disk instead of Playwright's in-memory storage (BENCH_DISK=0: never),
// and a benchmark that declares `storage: 'disk'` (the registry's) gets one by default.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { CHROMIUM_ARGS, ensureChromium } from '../scripts/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const diskForAll = process.env.BENCH_DISK === '1';
const diskNever = process.env.BENCH_DISK === '0';
const available = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((n) => !available.includes(n));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${available.join(', ')}.`);
  process.exit(2);
}
const names = wanted.length ? wanted : available;

const server = await createServer({
  configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
  root,
  server: { port: 0, host: '127.0.0.1' },
  // A dependency cache of its own: a test run re-optimising the shared one reloads the bench page.
  // BENCH_VITE_CACHE names another, so two bench runs at once do not re-optimise each other's.
  cacheDir: process.env.BENCH_VITE_CACHE ?? 'node_modules/.vite-bench',
  logLevel: process.env.BENCH_VITE_LOG ?? 'warn',
});
await server.listen();
const address = server.httpServer?.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

let browser;
let page;
let profileDir;
let disk = false;
async function openPage(wantDisk) {
  if (page && disk === wantDisk) return page;
  await closeBrowser();
  disk = wantDisk;
  const launch = { executablePath: ensureChromium(), args: CHROMIUM_ARGS, headless: true };
  if (disk) {
    // A profile on disk, as users have: IndexedDB writes reach files. Playwright's default context
    // keeps storage in memory, which makes some writes cheaper and some reads dearer.
    profileDir = mkdtempSync(join(tmpdir(), 'edgeflow-bench-profile-'));
    browser = await chromium.launchPersistentContext(profileDir, launch);
  } else {
    browser = await chromium.launch(launch);
  }
  page = await browser.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'info' || msg.type() === 'error' || msg.type() === 'warning') {
      process.stderr.write(`  ${msg.text()}\n`);
    }
  });
  page.on('pageerror', (error) => process.stderr.write(`  page error: ${error.message}\n`));
  await page.goto(`${origin}/bench/index.html`, { timeout: 120_000 });
  await page.waitForFunction(() => window.edgeflowBenchReady === true, null, { timeout: 120_000 });
  return page;
}

async function browserEnv(p) {
  const storage = disk ? 'disk profile' : 'in-memory context';
  return p.evaluate(async (storage) => {
    const adapter = await navigator.gpu?.requestAdapter();
    return {
      where: 'chromium',
      userAgent: navigator.userAgent,
      cores: navigator.hardwareConcurrency,
      crossOriginIsolated,
      storage,
      gpu: adapter
        ? `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}`.trim()
        : null,
    };
  }, storage);
}

const rows = [];
let failures = 0;
for (const name of names) {
  const started = performance.now();
  process.stderr.write(`bench ${name}${quick ? ' (quick)' : ''}…\n`);
  try {
    // Browser benchmarks are never imported in Node (they load tfjs backends, workers, IndexedDB);
    // the file itself says where it runs.
    const source = readFileSync(new URL(`./${name}.bench.ts`, import.meta.url), 'utf8');
    let measurements;
    let env;
    if (/where:\s*'node'/.test(source)) {
      const definition = (await server.ssrLoadModule(`/bench/${name}.bench.ts`)).default;
      const ctx = { quick, log: (m) => process.stderr.write(`  [${name}] ${m}\n`) };
      const result = await definition.run(ctx);
      measurements = Array.isArray(result) ? result : [result];
      env = { where: 'node', node: process.version, platform: `${process.platform}-${process.arch}` };
    } else {
      let p = await openPage(!diskNever && (diskForAll || /storage:\s*'disk'/.test(source)));
      try {
        measurements = await p.evaluate(([n, q]) => window.edgeflowRunBench(n, q), [name, quick]);
      } catch (error) {
        // Vite may discover a dependency late, re-optimise and reload the page: start over once.
        if (!/context was destroyed|not a function/.test(String(error?.message ?? error))) throw error;
        process.stderr.write('  the page reloaded (Vite re-optimised dependencies); running again\n');
        await page.goto(`${origin}/bench/index.html`, { timeout: 120_000 });
        await page.waitForFunction(() => window.edgeflowBenchReady === true, null, { timeout: 120_000 });
        p = page;
        measurements = await p.evaluate(([n, q]) => window.edgeflowRunBench(n, q), [name, quick]);
      }
      env = await browserEnv(p);
    }
    for (const m of measurements) {
      // Both 0 (no long task on either side, say) is a tie, not NaN.
      const ratio =
        m.value === 0 && m.baseline === 0
          ? 1
          : m.better === 'lower'
            ? m.baseline / m.value
            : m.value / m.baseline;
      const line = {
        bench: m.bench ?? name,
        unit: m.unit,
        value: round(m.value),
        baseline: round(m.baseline),
        ratio: round(ratio),
        env: { ...env, quick },
        ...(m.extra ? { extra: m.extra } : {}),
      };
      console.log(JSON.stringify(line));
      rows.push(line);
    }
  } catch (error) {
    failures++;
    console.log(JSON.stringify({ bench: name, error: String(error?.message ?? error) }));
  }
  process.stderr.write(`bench ${name} took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

if (rows.length) {
  const header = ['bench', 'unit', 'value', 'baseline', 'ratio'];
  const table = [
    header,
    ...rows.map((r) => [r.bench, r.unit, String(r.value), String(r.baseline), String(r.ratio)]),
  ];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  console.log('');
  for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
}

await closeBrowser();
await server.close();
process.exit(failures ? 1 : 0);

async function closeBrowser() {
  await browser?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  browser = undefined;
  page = undefined;
  profileDir = undefined;
}

function round(x) {
  if (!Number.isFinite(x)) return x;
  return Math.abs(x) >= 100 ? Math.round(x * 10) / 10 : Math.round(x * 1000) / 1000;
}
