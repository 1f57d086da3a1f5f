// The seeded generator behind the ingest benchmarks: a numeric + categorical CSV of any size,
// produced chunk by chunk (so 1 GB never sits in one string), identical for the same seed.
// Columns: 8 numeric features at different scales (two with ~1 % missing cells), two categorical
// features (5 and 12 levels) and a 3-class label that depends on the features.
import { createRng } from '../src/data/prng.ts';

/** The header of the generated file. */
export const BENCH_HEADER =
  'sensor_a,sensor_b,sensor_c,pressure,temperature,humidity,load,speed,region,device,label';

const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const DEVICES = Array.from({ length: 12 }, (_, i) => `dev-${String.fromCharCode(97 + i)}${i * 7}`);
const LABELS = ['low', 'medium', 'high'];
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** `scaled / 10^decimals` written with exactly `decimals` digits, from integers only (fast and exact). */
function fixed(scaled: number, decimals: 2 | 3): string {
  const negative = scaled < 0;
  const magnitude = negative ? -scaled : scaled;
  const unit = decimals === 3 ? 1000 : 100;
  const whole = Math.floor(magnitude / unit);
  const fraction = magnitude - whole * unit;
  const digits = decimals === 3 ? THREE_DIGITS[fraction] : TWO_DIGITS[fraction];
  return `${negative ? '-' : ''}${whole}.${digits}`;
}

/**
 * Yields the CSV in string chunks of about `chunkChars` characters (header first), stopping at the
 * first row boundary past `bytes` (every character is ASCII, so characters are bytes).
 */
export function* benchCsvChunks(options: {
  bytes: number;
  seed: number;
  chunkChars?: number;
}): Generator<string> {
  const rng = createRng(options.seed);
  const chunkChars = options.chunkChars ?? 1 << 20;
  let written = 0;
  let parts: string[] = [`${BENCH_HEADER}\n`];
  let partChars = BENCH_HEADER.length + 1;
  while (written + partChars < options.bytes) {
    const a = (rng.nextUint32() % 200001) - 100000; // −100.000 … 100.000
    const b = rng.nextUint32() % 1000000; // 0.000 … 999.999
    const c = (rng.nextUint32() % 20001) - 10000; // −100.00 … 100.00
    const pressure = 95000 + (rng.nextUint32() % 10000); // integer
    const temperature = (rng.nextUint32() % 6001) - 2000; // −20.00 … 40.00
    const humidity = rng.nextUint32() % 10001; // 0.00 … 100.00
    const load = rng.nextUint32() % 1000; // integer 0 … 999
    const speed = rng.nextUint32() % 150000; // 0.000 … 149.999
    const region = rng.nextInt(REGIONS.length);
    const device = rng.nextInt(DEVICES.length);
    const score = a / 1000 + c / 50 + (temperature - 1000) / 100 + (region === 0 ? 30 : 0);
    const label = score < -20 ? 0 : score < 20 ? 1 : 2;
    const missingB = rng.nextUint32() % 100 === 0;
    const missingHumidity = rng.nextUint32() % 100 === 0;
    const line = `${fixed(a, 3)},${missingB ? '' : fixed(b, 3)},${fixed(c, 2)},${pressure},${fixed(temperature, 2)},${missingHumidity ? '' : fixed(humidity, 2)},${load},${fixed(speed, 3)},${REGIONS[region]},${DEVICES[device]},${LABELS[label]}\n`;
    parts.push(line);
    partChars += line.length;
    if (partChars >= chunkChars) {
      yield parts.join('');
      written += partChars;
      parts = [];
      partChars = 0;
    }
  }
  if (partChars > 0) yield parts.join('');
}

/** The whole generated CSV as UTF-8 bytes (for sizes that fit in memory, e.g. the 50 MB benchmark). */
export function benchCsvBytes(options: { bytes: number; seed: number }): Uint8Array {
  const encoder = new TextEncoder();
  const chunks = [...benchCsvChunks(options)].map((chunk) => encoder.encode(chunk));
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
