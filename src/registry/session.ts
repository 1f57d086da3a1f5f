// A registry session: who owns a running run. Each open registry holds a Web Lock named after its
// session for as long as it lives; the browser releases it when the page or worker goes away (even
// when terminated), so "is the owner alive?" is "is its lock held?" — across tabs and workers.

/** The lock name prefix of registry sessions. */
const LOCK_PREFIX = 'edgeflow-registry-session:';

// Realms without Web Locks (Node) can only share a memory store within themselves; this set stands
// in for the lock manager there.
const localSessions = new Set<string>();

function lockManager(): LockManager | undefined {
  return (globalThis as { navigator?: Navigator }).navigator?.locks;
}

/** One live registry session. */
export interface RegistrySession {
  readonly id: string;
  /** A snapshot predicate: whether the session that owns a run is still alive. */
  liveness(): Promise<(owner: string | null) => boolean>;
  end(): void;
}

function newId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  return c?.randomUUID ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Starts a session and waits until its lock is held. */
export async function startSession(): Promise<RegistrySession> {
  const id = newId();
  const locks = lockManager();
  localSessions.add(id);
  let release: () => void = () => undefined;
  if (locks) {
    await new Promise<void>((granted) => {
      void locks.request(`${LOCK_PREFIX}${id}`, () => {
        granted();
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      });
    });
  }
  return {
    id,
    async liveness() {
      const held = new Set<string>(localSessions);
      if (locks) {
        const snapshot = await locks.query();
        for (const lock of snapshot.held ?? []) {
          if (lock.name?.startsWith(LOCK_PREFIX)) held.add(lock.name.slice(LOCK_PREFIX.length));
        }
      }
      return (owner) => owner !== null && held.has(owner);
    },
    end() {
      localSessions.delete(id);
      release();
    },
  };
}
