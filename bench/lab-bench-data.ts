// A tabular dataset for the lab benchmarks: `rows` rows of 784 numeric features and a 10-class
// label, as CSV text (the lab loads it in a worker like any file), seeded.
import { createPrng } from '../src/runtime/seed.ts';

/** CSV text with columns f0…f783 and `label` (c0…c9). */
export function mnistLikeCsv(rows: number, seed = 1): string {
  const rng = createPrng(seed, 'lab-bench');
  const header = [...Array.from({ length: 784 }, (_, i) => `f${i}`), 'label'].join(',');
  const lines = [header];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let i = 0; i < 784; i++) cells.push((rng.nextFloat() * 255).toFixed(0));
    cells.push(`c${rng.nextInt(10)}`);
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}
