import { formatNumber } from '../format.ts';
import type { ClassRow } from './run-fields.ts';

/** Precision, recall, F1 and support per class of one run on its test split. */
export function PerClassTable({ title, rows }: { title: string; rows: readonly ClassRow[] }) {
  return (
    <div class="table-scroll">
      <table
        class="compact per-class"
        aria-label={`Per-class metrics of ${title}`}
        data-testid="per-class-table"
      >
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">class</th>
            <th scope="col" class="num">
              precision
            </th>
            <th scope="col" class="num">
              recall
            </th>
            <th scope="col" class="num">
              F1
            </th>
            <th scope="col" class="num">
              support
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.className}>
              <th scope="row">{row.className}</th>
              <td class="num">{formatNumber(row.precision, 3)}</td>
              <td class="num">{formatNumber(row.recall, 3)}</td>
              <td class="num">{formatNumber(row.f1, 3)}</td>
              <td class="num">{formatNumber(row.support)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
