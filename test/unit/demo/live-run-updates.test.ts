// Issue 16, point 8: progress events reach the page's state in batches (one render for all runs'
// events of an interval), and an immediate update (a run's end) lands after the queued ones.
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import {
  flushLiveRunUpdates,
  LIVE_UPDATE_INTERVAL_MS,
  type LiveRun,
  liveRunsState,
  queueLiveRunUpdate,
  updateLiveRun,
} from '../../../demo/lab-state.ts';

function liveRun(runId: string): LiveRun {
  return {
    runId,
    name: runId,
    handle: {} as LiveRun['handle'],
    phase: 'training',
    metricName: 'accuracy',
    points: [],
    epoch: 0,
    epochs: 12,
    samplesPerSecond: null,
    etaMs: null,
    backend: null,
    adapter: null,
    error: null,
    startedAt: 0,
  };
}

const epochTo =
  (epoch: number) =>
  (run: LiveRun): LiveRun => ({ ...run, epoch });

beforeEach(() => {
  vi.useFakeTimers();
  liveRunsState.value = [liveRun('a'), liveRun('b')];
});
afterEach(() => {
  flushLiveRunUpdates();
  vi.useRealTimers();
});

test('queued progress of several runs applies in one state change after the interval, in order', () => {
  const states: LiveRun[][] = [];
  const stop = liveRunsState.subscribe((value) => states.push(value));
  states.length = 0;
  queueLiveRunUpdate('a', epochTo(1));
  queueLiveRunUpdate('b', epochTo(5));
  queueLiveRunUpdate('a', epochTo(2));
  queueLiveRunUpdate('a', (run) => ({ ...run, epoch: run.epoch + 10 }));
  vi.advanceTimersByTime(LIVE_UPDATE_INTERVAL_MS - 1);
  expect(states).toEqual([]);
  expect(liveRunsState.value.map((r) => r.epoch)).toEqual([0, 0]);
  vi.advanceTimersByTime(1);
  expect(states).toHaveLength(1);
  expect(liveRunsState.value.map((r) => r.epoch)).toEqual([12, 5]);
  // Nothing queued: no further state change.
  vi.advanceTimersByTime(LIVE_UPDATE_INTERVAL_MS * 3);
  expect(states).toHaveLength(1);
  stop();
});

test('an immediate update applies the queued patches first, then its own, at once', () => {
  queueLiveRunUpdate('a', epochTo(7));
  queueLiveRunUpdate('b', epochTo(3));
  updateLiveRun('a', (run) => ({ ...run, phase: 'done', epoch: run.epoch + 1 }));
  expect(liveRunsState.value.map((r) => [r.phase, r.epoch])).toEqual([
    ['done', 8],
    ['training', 3],
  ]);
  // The timer of the flushed queue does not apply anything twice.
  vi.advanceTimersByTime(LIVE_UPDATE_INTERVAL_MS);
  expect(liveRunsState.value.map((r) => r.epoch)).toEqual([8, 3]);
});

test('patches queued for a run that is gone are dropped; the others still apply', () => {
  queueLiveRunUpdate('gone', epochTo(4));
  queueLiveRunUpdate('b', epochTo(2));
  vi.advanceTimersByTime(LIVE_UPDATE_INTERVAL_MS);
  expect(liveRunsState.value.map((r) => [r.runId, r.epoch])).toEqual([
    ['a', 0],
    ['b', 2],
  ]);
});
