// Where the lab stands with its backend (issue 18.16): choosing it takes seconds on a first visit
// (the 'auto' probe measures every backend), so the page says so, and a Train click in that time
// waits in a visible queue instead of showing nothing.
import { signal } from '@preact/signals';
import type { Lab, RuntimeReport } from 'edgeflow';

/** The backend choice of lab worker 0, as the page knows it. */
export type RuntimeStatus =
  | { phase: 'idle' }
  | { phase: 'choosing'; since: number; reprobe: boolean }
  | { phase: 'ready'; report: RuntimeReport }
  | { phase: 'failed'; error: unknown };

/** The backend choice now; the runtime panel and the train section read it. */
export const runtimeStatus = signal<RuntimeStatus>({ phase: 'idle' });

let inFlight: { lab: Lab; request: Promise<void> } | null = null;
let statusLab: Lab | null = null;

/** True when `runtimeStatus` is about `lab` (a new lab starts from nothing known). */
export function statusIsFor(lab: Lab): boolean {
  return statusLab === lab;
}

/**
 * Asks the lab's first worker for its backend (probing when nothing is cached, or when `reprobe`)
 * and keeps the answer in `runtimeStatus`. Concurrent calls for the same lab share one request; an
 * answer that arrives after a newer request (or for another lab) is dropped.
 */
export function chooseBackend(lab: Lab, reprobe = false): Promise<void> {
  if (inFlight && inFlight.lab === lab && !reprobe) return inFlight.request;
  statusLab = lab;
  runtimeStatus.value = { phase: 'choosing', since: Date.now(), reprobe };
  const request: Promise<void> = lab.runtime({ reprobe }).then(
    (report) => {
      if (inFlight?.request === request) runtimeStatus.value = { phase: 'ready', report };
    },
    (error: unknown) => {
      if (inFlight?.request === request) runtimeStatus.value = { phase: 'failed', error };
    },
  );
  inFlight = { lab, request };
  void request.finally(() => {
    if (inFlight?.request === request) inFlight = null;
  });
  return request;
}

/** True while no backend is chosen yet (a re-measure keeps the earlier choice): training would wait. */
export function backendPending(status: RuntimeStatus): boolean {
  return status.phase === 'idle' || (status.phase === 'choosing' && !status.reprobe);
}
