// The field half's shared state: the page's signing key (generated once, kept in IndexedDB, never
// extractable), where the collector is (this page's own origin under `npm start`), and the
// collector's reachability. The publish, clients, monitor and maintain views all read these.
import { signal } from '@preact/signals';
import {
  type CollectorTarget,
  generateSigningKey,
  loadStoredSigningKey,
  type SigningKey,
  storeSigningKey,
} from 'edgeflow/edge';

/** Name the page's signing key is stored under (IndexedDB `edgeflow-signing-keys`). */
export const PAGE_KEY_NAME = 'lab-page-publisher';

/** The page's signing key once loaded or generated. */
export const signingKeyState = signal<SigningKey | null>(null);

let keyPromise: Promise<SigningKey> | undefined;

/** The page's signing key: the stored one, or a new one generated and stored on first use. */
export function pageSigningKey(): Promise<SigningKey> {
  keyPromise ??= (async () => {
    const stored = await loadStoredSigningKey(PAGE_KEY_NAME);
    const key = stored ?? (await generateSigningKey());
    if (!stored) await storeSigningKey(PAGE_KEY_NAME, key);
    signingKeyState.value = key;
    return key;
  })();
  keyPromise.catch(() => {
    keyPromise = undefined;
  });
  return keyPromise;
}

/** The collector this page talks to: its own origin (`npm start` serves both). */
export function collectorTarget(): CollectorTarget {
  return { url: globalThis.location.origin };
}

/** What the page last learnt of the collector: unknown before the first check. */
export const collectorState = signal<{ state: 'unknown' | 'up' | 'down'; checkedAt: number | null }>({
  state: 'unknown',
  checkedAt: null,
});

/** Asks the collector's `/healthz` (2 s timeout) and records the answer in `collectorState`. */
export async function checkCollector(): Promise<boolean> {
  let up = false;
  try {
    const response = await fetch(`${collectorTarget().url}/healthz`, {
      cache: 'no-store',
      signal: AbortSignal.timeout(2000),
    });
    up = response.ok;
    await response.body?.cancel().catch(() => undefined);
  } catch {
    up = false;
  }
  collectorState.value = { state: up ? 'up' : 'down', checkedAt: Date.now() };
  return up;
}
