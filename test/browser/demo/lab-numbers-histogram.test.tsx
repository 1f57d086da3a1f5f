// Issue 18, point 5: a 5-value integer column drew as one flat block, with no y axis and no counts
// on hover. Rendered here from a real profile (ingest in the browser), as the data panel does.
import { render } from 'preact';
import { afterEach, expect, test } from 'vitest';
import { FeatureHistogram } from '../../../demo/charts/feature-histogram.tsx';
import { ingestDataset } from '../../../src/data/ingest.ts';

const hosts: HTMLElement[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) {
    render(null, host);
    host.remove();
  }
});

/** Renders `node` into a 480 px wide element and waits for uPlot (built in its own task). */
async function mount(node: preact.ComponentChild): Promise<HTMLElement> {
  const host = document.createElement('div');
  host.style.width = '480px';
  document.body.append(host);
  hosts.push(host);
  render(node, host);
  await expect.poll(() => host.querySelector('.u-over') !== null).toBe(true);
  return host;
}

/** Moves the mouse over the chart's plot area at a fraction of its width. */
function hover(host: HTMLElement, fraction: number): void {
  const over = host.querySelector('.u-over') as HTMLElement;
  const box = over.getBoundingClientRect();
  const init = { clientX: box.left + box.width * fraction, clientY: box.top + box.height / 2, bubbles: true };
  over.dispatchEvent(new MouseEvent('mouseenter', init));
  over.dispatchEvent(new MouseEvent('mousemove', init));
}

function legendValues(host: HTMLElement): string[] {
  return [...host.querySelectorAll('.u-legend .u-value')].map((el) => el.textContent ?? '');
}

test('a 5-value integer column shows one bar per value, a y axis of rows, and counts on hover', async () => {
  // 1: 10 rows, 2: 20, 3: 40, 4: 20, 5: 10 — a rating column; x is a wide numeric column.
  const counts = [10, 20, 40, 20, 10];
  const lines = ['rating,x'];
  counts.forEach((n, v) => {
    for (let i = 0; i < n; i++) lines.push(`${v + 1},${(i * 7.31 + v * 101.7).toFixed(2)}`);
  });
  const ds = await ingestDataset(lines.join('\n'));
  const rating = ds.profile.columns.find((c) => c.name === 'rating');
  expect(rating?.type).toBe('integer');
  const host = await mount(<FeatureHistogram column={rating as NonNullable<typeof rating>} />);
  const figure = host.querySelector('[data-testid="histogram"]') as HTMLElement;
  expect(figure.dataset.kind).toBe('values');
  expect(figure.dataset.bars).toBe('5');
  const label = host.querySelector('[role="img"]')?.getAttribute('aria-label') ?? '';
  expect(label).toContain('1: 10, 2: 20, 3: 40, 4: 20, 5: 10');
  // Two axes drawn: values along x, rows up y (with its label).
  expect(host.querySelectorAll('.u-axis')).toHaveLength(2);
  expect(host.textContent).toContain('rows');
  // Hovering the middle bar names the value and its count.
  hover(host, 0.5);
  await expect.poll(() => legendValues(host)).toEqual(['3', '40']);

  const x = ds.profile.columns.find((c) => c.name === 'x');
  const wide = await mount(<FeatureHistogram column={x as NonNullable<typeof x>} />);
  const bins = wide.querySelector('[data-testid="histogram"]') as HTMLElement;
  expect(bins.dataset.kind).toBe('bins');
  expect(Number(bins.dataset.bars)).toBe(20);
  hover(wide, 0.02);
  await expect.poll(() => legendValues(wide)[0] ?? '').toMatch(/ to under /);
});

test('a categorical column has a y axis and hover counts too', async () => {
  const ds = await ingestDataset('colour\nred\nred\nred\nblue\ngreen\ngreen\n');
  const colour = ds.profile.columns[0];
  const host = await mount(<FeatureHistogram column={colour as NonNullable<typeof colour>} />);
  expect((host.querySelector('[data-testid="histogram"]') as HTMLElement).dataset.kind).toBe('categories');
  expect(host.querySelectorAll('.u-axis')).toHaveLength(2);
  hover(host, 0.1);
  await expect.poll(() => legendValues(host)).toEqual(['red', '3']);
});
