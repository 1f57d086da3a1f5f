import type { Lab } from 'edgeflow';
import { useEffect, useState } from 'preact/hooks';
import { ErrorMessage } from './error-message.tsx';
import { chooseBackend, runtimeStatus, statusIsFor } from './runtime-state.ts';

/** Seconds since `since`, ticking once a second while shown. */
function useElapsedSeconds(since: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  return since === null ? 0 : Math.max(0, Math.round((now - since) / 1000));
}

/**
 * Shows the backend the lab worker chose, why, and what the worker can do; while it is choosing
 * (seconds on a first visit), what it is doing and for how long (issue 18.16).
 */
export function RuntimePanel({ lab }: { lab: Lab }) {
  const status = runtimeStatus.value;
  const [report, setReport] = useState(status.phase === 'ready' ? status.report : null);
  useEffect(() => {
    if (runtimeStatus.value.phase === 'idle' || !statusIsFor(lab)) void chooseBackend(lab);
  }, [lab]);
  useEffect(() => {
    if (status.phase === 'ready') setReport(status.report);
  }, [status]);
  const busy = status.phase === 'choosing';
  const elapsed = useElapsedSeconds(busy ? status.since : null);
  const load = (reprobe: boolean): Promise<void> => chooseBackend(lab, reprobe);

  const caps = report?.capabilities;
  return (
    <div>
      {busy && (
        <p role="status" data-testid="runtime-choosing">
          {status.reprobe ? 'Measuring the backends again' : 'Choosing a backend'} ({elapsed} s): lab worker 0
          trains a small model for a moment on each of WebGPU, WebGL, WASM and CPU and keeps the fastest.
          {status.reprobe
            ? ' Training goes on with the current choice meanwhile.'
            : ' This runs once per device (the choice is remembered); a Train click now waits in a queue and starts when it ends.'}
        </p>
      )}
      {status.phase === 'failed' && (
        <>
          <ErrorMessage error={status.error} lead="Could not choose a backend:" testId="runtime-error" />
          <p>
            <button type="button" onClick={() => void load(false)}>
              Try again
            </button>
          </p>
        </>
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
