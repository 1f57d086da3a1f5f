import { test } from 'vitest';
test('mem', async () => {
  const p = performance as any;
  const out: any = { measure: typeof p.measureUserAgentSpecificMemory, coi: crossOriginIsolated };
  const code = `const keep = []; for (let i = 0; i < 3e6; i++) keep.push({ a: i, b: 'x' + i }); postMessage(keep.length); setInterval(() => keep.length, 1000);`;
  const w = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
  await new Promise((r) => { w.onmessage = r; });
  for (let k = 0; k < 2; k++) {
    const t = performance.now();
    try { const r = await p.measureUserAgentSpecificMemory(); out['bytes' + k] = r.bytes; out['types' + k] = r.breakdown.map((b: any) => [b.bytes, b.types.join('/'), b.attribution.map((a: any) => a.scope).join('/')]); } catch (e) { out.err = String(e); }
    out['ms' + k] = performance.now() - t;
  }
  out.pm = p.memory?.usedJSHeapSize;
  console.log(JSON.stringify(out));
  w.terminate();
}, 120000);
