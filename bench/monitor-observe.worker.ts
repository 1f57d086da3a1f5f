/// <reference lib="webworker" />
// The worker behind monitor-observe: folds a 20-feature stream into the monitor's drift window (the
// profile's float sketches) or into one DDSketch per feature, value by value, alternating.
import { DDSketch } from '@datadog/sketches-js';
import * as Comlink from 'comlink';
import { createRng } from '../src/data/prng.ts';
import { DriftWindow } from '../src/monitor/drift-window.ts';
import { timeAlternating } from './harness.ts';

const FEATURES = 20;

const api = {
  /** Values per second for both sides: median over `rounds` alternating runs. */
  async run(rows: number, rounds: number): Promise<{ ours: number; theirs: number; values: number }> {
    const rng = createRng(1);
    // Row-major, as rows arrive: feature f of row r at r × 20 + f; each feature its own scale.
    const data = new Float32Array(rows * FEATURES);
    for (let i = 0; i < data.length; i++) data[i] = rng.normal() * (1 + (i % FEATURES)) + (i % FEATURES) * 10;
    const specs = Array.from({ length: FEATURES }, (_, f) => ({
      name: `f${f}`,
      kind: 'numeric' as const,
      float32: true,
    }));
    let sink = 0;
    const timed = await timeAlternating(
      async () => {
        const window = new DriftWindow(specs, null);
        for (let r = 0; r < rows; r++) {
          const base = r * FEATURES;
          for (let f = 0; f < FEATURES; f++) window.observeNumber(f, data[base + f] as number);
        }
        window.addRows(rows, 0);
        // Folding is done when the buffered tail is in the sketches: the window's snapshot does that.
        sink += window.snapshot().features.length;
      },
      async () => {
        // DDSketch at the float sketch's accuracy (a bucket midpoint is within 2^-8 ≈ 0.4 % of its values).
        const sketches = Array.from({ length: FEATURES }, () => new DDSketch({ relativeAccuracy: 0.004 }));
        for (let r = 0; r < rows; r++) {
          const base = r * FEATURES;
          for (let f = 0; f < FEATURES; f++) (sketches[f] as DDSketch).accept(data[base + f] as number);
        }
        sink += sketches.length;
      },
      rounds,
    );
    if (sink < 0) throw new Error('unreachable');
    const values = rows * FEATURES;
    return { ours: (values * 1000) / timed.ours, theirs: (values * 1000) / timed.theirs, values };
  },
};

export type MonitorObserveWorkerApi = typeof api;
Comlink.expose(api);
