import type { Lab } from 'edgeflow';
import { useEffect, useMemo } from 'preact/hooks';
import { formatTime } from '../format.ts';
import { collectorTarget } from './field-state.ts';
import { driftColumns, latencyColumns } from './monitor/chart-data.ts';
import { createCollectorApi } from './monitor/collector-api.ts';
import { DriftAlert, DriftTable } from './monitor/drift-view.tsx';
import { FleetTable } from './monitor/fleet-table.tsx';
import { LatencyByDeviceClass } from './monitor/latency-view.tsx';
import { MonitorChart } from './monitor/monitor-chart.tsx';
import {
  FLEET_WINDOW,
  knownModels,
  MONITOR_WINDOWS,
  monitorModelChoice,
  monitorPaused,
  monitorState,
  monitorWindowChoice,
  POLL_INTERVAL_MS,
  refreshMonitor,
} from './monitor/monitor-state.ts';
import { startPolling } from './monitor/poller.ts';

function StatusLine() {
  const state = monitorState.value;
  if (state.status === 'loading')
    return (
      <p role="status" class="muted" data-testid="monitor-status" data-state="loading">
        Asking the collector…
      </p>
    );
  if (state.status === 'down' || state.status === 'error')
    return (
      <p role="alert" class="bad" data-testid="monitor-status" data-state={state.status}>
        {state.status === 'down'
          ? 'The collector is down or unreachable. '
          : 'The collector refused the query. '}
        {state.error} {state.updatedAt !== null && `Showing the answers of ${formatTime(state.updatedAt)}.`}
      </p>
    );
  return (
    <p role="status" class="muted small" data-testid="monitor-status" data-state="ready">
      {monitorPaused.value
        ? 'Paused while the tab is hidden.'
        : `Live from the collector, every ${POLL_INTERVAL_MS / 1000} s`}
      {state.updatedAt !== null && ` · updated ${formatTime(state.updatedAt)}`}
    </p>
  );
}

/**
 * The monitor section: what the fleet reports to the collector (the page's own origin) — devices per
 * version, latency percentiles over time, per-feature drift against each version's training profile,
 * and an alert when drift crosses its threshold. Polls every few seconds while the tab is visible.
 */
export function MonitorPanel({ lab }: { lab: Lab }) {
  const api = useMemo(() => createCollectorApi({ url: collectorTarget().url }), []);
  useEffect(() => {
    const poller = startPolling({
      intervalMs: POLL_INTERVAL_MS,
      poll: (signal) => refreshMonitor(api, lab.registry, signal),
      onPausedChange: (paused) => {
        monitorPaused.value = paused;
      },
    });
    pollNow = () => poller.refresh();
    return () => {
      poller.stop();
      pollNow = () => undefined;
    };
  }, [api, lab]);

  const state = monitorState.value;
  const models = knownModels(state.fleet);
  const windowChoice = MONITOR_WINDOWS.find((w) => w.id === monitorWindowChoice.value) ?? MONITOR_WINDOWS[0];
  const latency = state.latency ? latencyColumns(state.latency) : null;
  const drift = state.drift ? driftColumns(state.drift) : null;
  const recentSeconds = state.drift
    ? Math.round((state.drift.to - (state.assessment?.recentFrom ?? state.drift.to)) / 1000)
    : 0;

  return (
    <div class="monitor" data-testid="monitor-panel">
      <div class="toolbar">
        <label for="monitor-model">Model</label>
        <select
          id="monitor-model"
          data-testid="monitor-model"
          value={state.model ?? ''}
          disabled={models.length === 0}
          onChange={(e) => {
            monitorModelChoice.value = e.currentTarget.value || null;
            pollNow();
          }}
        >
          {models.length === 0 && <option value="">no model yet</option>}
          {models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <label for="monitor-window">Window</label>
        <select
          id="monitor-window"
          data-testid="monitor-window"
          value={monitorWindowChoice.value}
          onChange={(e) => {
            monitorWindowChoice.value = e.currentTarget.value;
            pollNow();
          }}
        >
          {MONITOR_WINDOWS.map((w) => (
            <option key={w.id} value={w.id}>
              {w.label}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => pollNow()} data-testid="monitor-refresh">
          Refresh now
        </button>
      </div>
      <StatusLine />
      {state.assessment && <DriftAlert alerts={state.assessment.alerts} onMaintain={goToMaintain} />}

      <h3>Fleet</h3>
      {state.fleet ? (
        <FleetTable fleet={state.fleet} windowLabel={`last ${FLEET_WINDOW.replace('m', ' minutes')}`} />
      ) : (
        <p class="muted">
          {state.status === 'loading' ? 'Loading the fleet…' : 'No answer from the collector yet.'}
        </p>
      )}
      {state.fleet && models.length === 0 && (
        <p class="muted" data-testid="monitor-empty">
          No model has reported or been published yet: publish a version (section 5) and start edge clients
          (section 6); their telemetry shows up here.
        </p>
      )}

      {state.model && (
        <div class="two-col">
          <div>
            <h3>Latency of {state.model}</h3>
            <figure
              class="monitor-figure"
              data-testid="latency-chart"
              data-lines={latency?.lines.length ?? 0}
            >
              {latency && latency.data[0].length > 0 ? (
                <MonitorChart
                  columns={latency}
                  label={`Predict latency p50, p95 and p99 in milliseconds by version over the ${windowChoice?.label ?? 'window'}`}
                  yLabel="ms"
                  testId="latency-plot"
                />
              ) : (
                <p class="muted">No latency reported in the {windowChoice?.label ?? 'window'} yet.</p>
              )}
            </figure>
            {state.latency && <LatencyByDeviceClass latency={state.latency} />}
            {state.errors && state.errors.errors.length > 0 && (
              <p class="small" data-testid="monitor-errors">
                Rows refused:{' '}
                {state.errors.errors
                  .map((e) => `${e.version === null ? '' : `v${e.version} `}${e.code} ${e.count}`)
                  .join(' · ')}
              </p>
            )}
          </div>
          <div>
            <h3>Drift of {state.model}</h3>
            <figure class="monitor-figure" data-testid="drift-chart" data-lines={drift?.lines.length ?? 0}>
              {drift && drift.data[0].length > 0 ? (
                <MonitorChart
                  columns={drift}
                  label={`Drift statistic per feature, prediction drift and dataset drift share by version over the ${windowChoice?.label ?? 'window'}`}
                  yLabel="statistic"
                  testId="drift-plot"
                />
              ) : (
                <p class="muted">No drift report in the {windowChoice?.label ?? 'window'} yet.</p>
              )}
            </figure>
          </div>
        </div>
      )}
      {state.assessment && state.model && (
        <DriftTable assessment={state.assessment} recentLabel={`last ${recentSeconds} s`} />
      )}
    </div>
  );
}

let pollNow: () => void = () => undefined;

function goToMaintain(): void {
  const target = document.getElementById('maintain');
  target?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  document.querySelector<HTMLElement>('[data-testid="maintain-retrain"]')?.focus({ preventScroll: true });
}
