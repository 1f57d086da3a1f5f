import { formatNumber } from '../../format.ts';
import type { LatencyResponse } from './collector-api.ts';

const ms = (seconds: number | null): string =>
  seconds === null ? '–' : `${formatNumber(seconds * 1000, 3)} ms`;

/** p50/p95/p99 per version and device class over the whole window (the chart shows them over time). */
export function LatencyByDeviceClass({ latency }: { latency: LatencyResponse }) {
  if (latency.deviceClasses.length === 0) return null;
  return (
    <div class="table-scroll">
      <table class="compact" data-testid="latency-table">
        <caption class="muted small">
          Predict latency (total) by version and device class over the window
        </caption>
        <thead>
          <tr>
            <th scope="col">version</th>
            <th scope="col">device class</th>
            <th scope="col" class="num">
              calls
            </th>
            <th scope="col" class="num">
              p50
            </th>
            <th scope="col" class="num">
              p95
            </th>
            <th scope="col" class="num">
              p99
            </th>
          </tr>
        </thead>
        <tbody>
          {latency.deviceClasses.map((row) => (
            <tr key={`${row.version}:${row.deviceClass}`}>
              <td>{row.version === null ? '–' : `v${row.version}`}</td>
              <td>{row.deviceClass ?? 'unknown'}</td>
              <td class="num">{row.count}</td>
              <td class="num">{ms(row.p50)}</td>
              <td class="num">{ms(row.p95)}</td>
              <td class="num">{ms(row.p99)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
