/**
 * A confusion matrix as a table (rows: true class, columns: predicted class), each cell shaded by
 * its share of the row so errors stand out; the diagonal is outlined.
 */
export function ConfusionMatrix({
  title,
  classes,
  matrix,
}: {
  title: string;
  classes: string[];
  matrix: number[][];
}) {
  return (
    <div class="confusion-wrap">
      <table class="confusion" aria-label={`Confusion matrix of ${title}`}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">true ↓ / predicted →</th>
            {classes.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, t) => {
            const total = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={classes[t] ?? t}>
                <th scope="row">{classes[t] ?? t}</th>
                {row.map((count, p) => (
                  <td
                    key={classes[p] ?? p}
                    class={t === p ? 'diagonal num' : 'num'}
                    style={{ '--share': String(count / total) }}
                  >
                    {count}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
