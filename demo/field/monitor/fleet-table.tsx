import type { FleetResponse } from './collector-api.ts';

/** `{ wasm: 2, webgpu: 1 }` as "wasm 2 · webgpu 1", largest first. */
export function formatMix(mix: Readonly<Record<string, number>>): string {
  const entries = Object.entries(mix).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? '–' : entries.map(([name, count]) => `${name} ${count}`).join(' · ');
}

/**
 * The fleet: per model and version, the devices active in the window, the releases they run, their
 * backend and device-class mix; and the channels the collector hosts with their rollout.
 */
export function FleetTable({ fleet, windowLabel }: { fleet: FleetResponse; windowLabel: string }) {
  const rows = fleet.models.flatMap((m) => m.versions.map((v) => ({ model: m.model, ...v })));
  const channels = fleet.releases.flatMap((r) =>
    Object.entries(r.channels).map(([channel, c]) => ({ model: r.model, channel, ...c })),
  );
  return (
    <div>
      <div class="table-scroll">
        <table class="compact" data-testid="fleet-table">
          <caption class="muted small">Devices that reported in the {windowLabel}</caption>
          <thead>
            <tr>
              <th scope="col">model</th>
              <th scope="col">version</th>
              <th scope="col">release</th>
              <th scope="col" class="num">
                active devices
              </th>
              <th scope="col">backends</th>
              <th scope="col">device classes</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={6} class="muted">
                  No device has reported in the {windowLabel}. Start edge clients (section 6) and wait for
                  their first telemetry export.
                </td>
              </tr>
            ) : (
              rows.map((row) => (
                <tr
                  key={`${row.model}:${row.version}`}
                  data-testid="fleet-row"
                  data-model={row.model}
                  data-version={row.version ?? ''}
                  data-devices={row.activeDevices}
                >
                  <td>{row.model}</td>
                  <td>{row.version === null ? '–' : `v${row.version}`}</td>
                  <td>{formatMix(row.releases)}</td>
                  <td class="num">{row.activeDevices}</td>
                  <td>{formatMix(row.backends)}</td>
                  <td>{formatMix(row.deviceClasses)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {channels.length > 0 && (
        <p class="small muted" data-testid="fleet-channels">
          Channels:{' '}
          {channels
            .map((c) => `${c.model}/${c.channel} → release ${c.release} at ${c.rolloutPercent} %`)
            .join('; ')}
        </p>
      )}
    </div>
  );
}
