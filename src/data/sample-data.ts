// Seeded sample datasets for the demo, tests and examples: a penguins-like classification table and
// a housing-like regression table, with named features, a categorical column and a few missing
// values. Only IEEE-exact arithmetic (+ − × ÷) and `toFixed` (exactly specified) touch the numbers,
// so the same seed gives the same text on every machine and engine.
import { EdgeflowError } from '../errors.ts';
import type { Task } from '../schemas/dataset.ts';
import { createRng, type Rng } from './prng.ts';

/** A generated sample: the CSV text and how to load it. */
export interface SampleCsv {
  readonly csv: string;
  readonly target: string;
  readonly task: Task;
  readonly name: string;
  readonly description: string;
}

/** Options of `generateSampleCsv`. */
export interface SampleOptions {
  /** Data rows (default 500). */
  readonly rows?: number;
  /** The same seed gives the same file (default 1). */
  readonly seed?: number;
  /**
   * `'separable'` (default): clean classes a small model gets (nearly) all right, for tests and
   * examples that need a model that surely learns. `'realistic'` (issue 16, point 6): a leading
   * identifier column (consecutive numbers, set aside by schema inference), noisier measurements,
   * overlapping classes and a few mislabelled rows (about 2 %), more missing cells, and for the
   * regression sample noise that grows with the value: the best model stays clearly below a perfect
   * score and candidates differ, so comparing them and gating on them means something.
   */
  readonly difficulty?: 'separable' | 'realistic';
}

/**
 * Generates a sample CSV: `'classification'` is penguins-like (target `species`: Adelie, Chinstrap,
 * Gentoo; features island, bill length and depth, flipper length, body mass, sex, year), and
 * `'regression'` is housing-like (target `median_house_value`; features location, age, rooms,
 * bedrooms, population, households, income, ocean proximity). About 1–3 % of some cells are empty.
 *
 * @throws EdgeflowError `INVALID_ARGUMENT` for an unknown kind or a bad row count.
 * @example
 * const { csv, target } = generateSampleCsv('classification', { rows: 300, seed: 7 });
 * const ds = await lab.loadDataset(new File([csv], 'penguins.csv'), { target });
 */
export function generateSampleCsv(kind: Task, options: SampleOptions = {}): SampleCsv {
  const rows = options.rows ?? 500;
  if (!Number.isInteger(rows) || rows < 1 || rows > 10_000_000) {
    throw new EdgeflowError(
      'INVALID_ARGUMENT',
      `rows must be a whole number from 1 to 10 000 000, got ${rows}.`,
      {
        details: { rows },
      },
    );
  }
  const rng = createRng(options.seed ?? 1);
  const realistic = options.difficulty === 'realistic';
  if (kind === 'classification') return penguins(rows, rng, realistic);
  if (kind === 'regression') return housing(rows, rng, realistic);
  throw new EdgeflowError(
    'INVALID_ARGUMENT',
    `Unknown sample "${String(kind)}". Use "classification" or "regression".`,
    {
      details: { kind: String(kind) },
    },
  );
}

interface Species {
  name: string;
  share: number;
  islands: readonly string[];
  bill: [number, number];
  depth: [number, number];
  flipper: [number, number];
  mass: [number, number];
}

const SPECIES: readonly Species[] = [
  {
    name: 'Adelie',
    share: 0.44,
    islands: ['Biscoe', 'Dream', 'Torgersen'],
    bill: [38.8, 2.7],
    depth: [18.3, 1.2],
    flipper: [190, 6.5],
    mass: [3700, 460],
  },
  {
    name: 'Chinstrap',
    share: 0.2,
    islands: ['Dream'],
    bill: [48.8, 3.3],
    depth: [18.4, 1.1],
    flipper: [196, 7.1],
    mass: [3730, 380],
  },
  {
    name: 'Gentoo',
    share: 0.36,
    islands: ['Biscoe'],
    bill: [47.5, 3.1],
    depth: [15.0, 1.0],
    flipper: [217, 6.5],
    mass: [5076, 500],
  },
];

function penguins(rows: number, rng: Rng, realistic: boolean): SampleCsv {
  const header = 'species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year';
  const lines = [realistic ? `id,${header}` : header];
  // Realistic: within-species spread ×2.25 (the species' ranges overlap as in field data measured by
  // several people), twice the missing cells, and about 2 % of rows carry another species' label.
  const spread = realistic ? 1.8 : 0.8;
  const missing = realistic ? 2 : 1;
  for (let i = 0; i < rows; i++) {
    const u = rng.next();
    const species = u < 0.44 ? SPECIES[0] : u < 0.64 ? SPECIES[1] : SPECIES[2];
    const s = species as Species;
    const island = s.islands[rng.nextInt(s.islands.length)] as string;
    const male = rng.next() < 0.5;
    // Males are a little larger, as in the real measurements.
    const size = male ? 1 : -1;
    const bill = s.bill[0] + s.bill[1] * (rng.normal() * spread + size * 0.5);
    const depth = s.depth[0] + s.depth[1] * (rng.normal() * spread + size * 0.5);
    const flipper = Math.round(s.flipper[0] + s.flipper[1] * (rng.normal() * spread + size * 0.5));
    const mass = Math.round((s.mass[0] + s.mass[1] * (rng.normal() * spread + size * 0.5)) / 25) * 25;
    const year = 2007 + rng.nextInt(3);
    const label = realistic && rng.next() < 0.02 ? otherSpecies(s, rng) : s.name;
    const cells = [
      label,
      island,
      maybe(rng, 0.01 * missing, bill.toFixed(1)),
      maybe(rng, 0.01 * missing, depth.toFixed(1)),
      maybe(rng, 0.01 * missing, String(flipper)),
      maybe(rng, 0.01 * missing, String(mass)),
      maybe(rng, 0.03 * missing, male ? 'male' : 'female'),
      String(year),
    ];
    lines.push((realistic ? [String(i + 1), ...cells] : cells).join(','));
  }
  return {
    csv: `${lines.join('\n')}\n`,
    target: 'species',
    task: 'classification',
    name: 'penguins-sample',
    description: `${rows} penguins-like rows: predict the species (3 classes) from measurements, island and sex.`,
  };
}

/** A species other than `s`, each equally likely (a mislabelled row). */
function otherSpecies(s: Species, rng: Rng): string {
  const others = SPECIES.filter((candidate) => candidate !== s);
  return (others[rng.nextInt(others.length)] as Species).name;
}

const PROXIMITY: readonly { name: string; share: number; bonus: number }[] = [
  { name: '<1H OCEAN', share: 0.44, bonus: 20000 },
  { name: 'INLAND', share: 0.32, bonus: -60000 },
  { name: 'NEAR OCEAN', share: 0.13, bonus: 30000 },
  { name: 'NEAR BAY', share: 0.105, bonus: 40000 },
  { name: 'ISLAND', share: 0.005, bonus: 150000 },
];

function housing(rows: number, rng: Rng, realistic: boolean): SampleCsv {
  const header =
    'longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,households,median_income,ocean_proximity,median_house_value';
  const lines = [realistic ? `district_id,${header}` : header];
  for (let i = 0; i < rows; i++) {
    const u = rng.next();
    let cumulative = 0;
    let proximity = PROXIMITY[0] as (typeof PROXIMITY)[number];
    for (const p of PROXIMITY) {
      cumulative += p.share;
      if (u < cumulative) {
        proximity = p;
        break;
      }
    }
    const longitude = -124 + rng.next() * 10;
    const latitude = 32.5 + rng.next() * 9.5;
    const age = 1 + rng.nextInt(52);
    const rooms = Math.max(8, Math.round(2600 * expApprox(0.6 * rng.normal())));
    const bedrooms = Math.max(1, Math.round(rooms * (0.2 + 0.03 * rng.normal())));
    const population = Math.max(3, Math.round(rooms * 1.1 * expApprox(0.3 * rng.normal())));
    const households = Math.max(1, Math.round(population / (2.8 + 0.5 * Math.abs(rng.normal()))));
    const income = 3.9 * expApprox(0.45 * rng.normal());
    // Realistic: the noise grows with income (dear districts vary more) and is larger overall.
    const noise = realistic ? (30000 + 12000 * income) * rng.normal() : 25000 * rng.normal();
    const value = 40000 * income + 1500 * age + proximity.bonus + noise + 20000;
    const clipped = Math.min(500001, Math.max(14999, Math.round(value / 100) * 100));
    const missing = realistic ? 2 : 1;
    const cells = [
      longitude.toFixed(2),
      latitude.toFixed(2),
      String(age),
      String(rooms),
      maybe(rng, 0.01 * missing, String(bedrooms)),
      String(population),
      String(households),
      maybe(rng, 0.005 * missing, income.toFixed(4)),
      `"${proximity.name}"`,
      String(clipped),
    ];
    lines.push((realistic ? [String(i + 1), ...cells] : cells).join(','));
  }
  return {
    csv: `${lines.join('\n')}\n`,
    target: 'median_house_value',
    task: 'regression',
    name: 'housing-sample',
    description: `${rows} housing-like rows: predict the median house value from location, size, income and ocean proximity.`,
  };
}

/** The value, or an empty (missing) cell with probability `p`. */
function maybe(rng: Rng, p: number, value: string): string {
  return rng.next() < p ? '' : value;
}

/** e^x as (1 + x/16)^16: multiplications only, so identical everywhere (close enough for samples). */
function expApprox(x: number): number {
  let y = 1 + x / 16;
  y *= y;
  y *= y;
  y *= y;
  y *= y;
  return y;
}
