import type { Lab, RuntimeReport } from 'edgeflow';
import { useEffect, useState } from 'preact/hooks';

/** Shows the backend the lab worker chose, why, and what the worker can do. */
export function RuntimePanel({ lab }: { lab: Lab }) {
  const [report, setReport] = useState<RuntimeReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async (reprobe: boolean): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setReport(await lab.runtime({ reprobe }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void load(false);
  }, [lab]);

  const caps = report?.capabilities;
  return (
    <div>
      {busy && <p role="status">Choosing a backend inside the lab worker…</p>}
      {error && (
        <p role="alert" class="bad">
          {error}
        </p>
      )}
      {report && caps && (
        <>
          <p>
            Backend <strong data-testid="backend">{report.backend}</strong>{' '}
            <span class="muted">({report.fromCache ? 'cached choice' : report.request})</span>:{' '}
            {report.reason}
          </p>
          {report.probe && (
            <table aria-label="Backend probe">
              <thead>
                <tr>
                  <th>backend</th>
                  <th>samples/s</th>
                  <th>warm-up ms</th>
                  <th>note</th>
                </tr>
              </thead>
              <tbody>
                {report.probe.map((p) => (
                  <tr key={p.backend}>
                    <td>{p.backend}</td>
                    <td>{p.samplesPerSecond === null ? '–' : Math.round(p.samplesPerSecond)}</td>
                    <td>{p.warmupMs === null ? '–' : Math.round(p.warmupMs)}</td>
                    <td class="muted">{p.skipped ?? (p.backend === report.backend ? 'chosen' : '')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Capabilities (inside the worker)</h3>
          <table aria-label="Capabilities">
            <tbody>
              <tr>
                <th>context</th>
                <td>{caps.context}</td>
              </tr>
              <tr>
                <th>WebGPU</th>
                <td>
                  {caps.webgpu.available
                    ? `yes — ${[caps.webgpu.adapter?.vendor, caps.webgpu.adapter?.architecture, caps.webgpu.adapter?.description].filter(Boolean).join(' ')}`
                    : `no — ${caps.webgpu.reason}`}
                </td>
              </tr>
              <tr>
                <th>WebGL</th>
                <td>{caps.webgl.available ? `WebGL ${caps.webgl.version}` : `no — ${caps.webgl.reason}`}</td>
              </tr>
              <tr>
                <th>WASM</th>
                <td>
                  {caps.wasm.available
                    ? `SIMD ${caps.wasm.simd ? 'yes' : 'no'}, threads ${report.wasmThreads.enabled ? 'on' : `off (${report.wasmThreads.reason})`}`
                    : 'no'}
                </td>
              </tr>
              <tr>
                <th>cross-origin isolated</th>
                <td>{caps.crossOriginIsolated ? 'yes' : 'no'}</td>
              </tr>
              <tr>
                <th>IndexedDB</th>
                <td>{caps.indexedDb ? 'yes' : 'no'}</td>
              </tr>
              <tr>
                <th>storage</th>
                <td>
                  {caps.storage
                    ? `${(caps.storage.usage / 2 ** 20).toFixed(1)} MiB used of ${(caps.storage.quota / 2 ** 30).toFixed(1)} GiB`
                    : 'unknown'}
                </td>
              </tr>
              <tr>
                <th>cores</th>
                <td>{caps.hardwareConcurrency}</td>
              </tr>
            </tbody>
          </table>
          <p>
            <button type="button" onClick={() => void load(true)} disabled={busy}>
              Measure backends again
            </button>
          </p>
        </>
      )}
    </div>
  );
}
