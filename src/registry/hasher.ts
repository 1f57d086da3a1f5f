// SHA-256 of weight chunks on a thread of its own. Chromium runs `crypto.subtle.digest` on the
// thread that calls it (measured: a digest and 10 ms of other work on the same thread take the sum
// of both), so hashing blocks the calling thread for ~1.2 ms per MB and cannot overlap the reads,
// copies and writes around it. A small dedicated worker takes the digests of buffers the caller can
// hand over (transferred there and back, no copy): chunks read on load, chunks a save assembled.
// Bytes the caller must keep (views into tfjs's buffers) are hashed in place: copying them for the
// worker cost more than it saved on a 2-core machine (a 25M-parameter save took 267 ms against
// 237 in place, and tfjs's save-handler path with a 2M model 47–48.5 ms against 41.5–44, even
// with the store's Blob built meanwhile), while loads went from 224 to 197 ms with the worker.
// Where workers are missing (Node, a realm without nested workers) or refused (a CSP without
// `worker-src blob:`), every digest runs in place.
import { EdgeflowError } from '../errors.ts';
import { sha256Hex } from './content-hash.ts';

/** Takes SHA-256 digests of chunk bytes. */
export interface ChunkHasher {
  /** Digest of bytes the caller keeps using, taken in place (never detached). */
  digestView(view: Uint8Array): Promise<string>;
  /**
   * Digest of a buffer the caller hands over: it travels to the worker without a copy and comes
   * back as the returned `buffer` (the one passed in is detached when a worker hashed it).
   */
  digestOwned(buffer: ArrayBuffer): Promise<{ sha256: string; buffer: ArrayBuffer }>;
  /** Stops the worker; later digests run in place. */
  close(): void;
}

// The worker's whole program. Kept as text so it needs no bundler support: it becomes a Blob URL.
const WORKER_SOURCE = `
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
onmessage = async (event) => {
  const { id, buffer } = event.data;
  try {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
    let hex = '';
    for (const b of digest) hex += HEX[b];
    postMessage({ id, hex, buffer }, [buffer]);
  } catch (error) {
    postMessage({ id, error: String(error), buffer }, [buffer]);
  }
};`;

/** The worker's answer: a digest or an error, and the buffer back. */
interface Reply {
  id: number;
  hex?: string;
  error?: string;
  buffer: ArrayBuffer;
}

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/** Hashing in place, for realms without workers. */
const inPlace: ChunkHasher = {
  digestView: (view) => sha256Hex(view),
  digestOwned: async (buffer) => ({ sha256: await sha256Hex(buffer), buffer }),
  close: () => undefined,
};

function startWorker(): { worker: Worker; url: string } | null {
  const scope = globalThis as { Worker?: typeof Worker; Blob?: typeof Blob; URL?: typeof URL };
  if (!scope.Worker || !scope.Blob || !scope.URL?.createObjectURL) return null;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  try {
    return { worker: new Worker(url, { name: 'edgeflow-registry-hasher' }), url };
  } catch {
    URL.revokeObjectURL(url);
    return null; // Refused (a CSP without blob: workers): hash in place.
  }
}

/**
 * A hasher backed by a dedicated worker when the realm allows one, in place otherwise. The worker
 * starts on the first owned digest, so a registry that only lists or promotes never spawns it. A
 * digest the worker could not take is taken in place from the bytes it sends back. If the worker
 * itself dies, the digests it owed fail with INTERNAL (their bytes went with it: the load or save
 * fails, and nothing is stored or returned), and everything after runs in place.
 */
export function createChunkHasher(): ChunkHasher {
  // undefined: not started yet; null: unavailable, failed or closed (hash in place from then on).
  let started: { worker: Worker; url: string } | null | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const stop = (reason: string) => {
    if (started) {
      started.worker.terminate();
      URL.revokeObjectURL(started.url);
    }
    started = null;
    for (const p of pending.values()) p.reject(new EdgeflowError('INTERNAL', reason));
    pending.clear();
  };
  const worker = (): Worker | null => {
    if (started === undefined) {
      started = startWorker();
      if (started) {
        started.worker.onmessage = (event: MessageEvent<Reply>) => {
          const p = pending.get(event.data.id);
          pending.delete(event.data.id);
          p?.resolve(event.data);
        };
        started.worker.onerror = (event) => {
          event.preventDefault();
          stop(
            `The registry's hashing worker failed (${event.message}); try again: hashing now runs in place.`,
          );
        };
      }
    }
    return started?.worker ?? null;
  };
  return {
    digestView: inPlace.digestView,
    async digestOwned(buffer) {
      const target = worker();
      if (!target) return inPlace.digestOwned(buffer);
      // Once transferred, the bytes are only recoverable from the reply; a worker that dies with
      // them leaves an error (the caller's load or save fails, nothing is stored or returned).
      const reply = await new Promise<Reply>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        target.postMessage({ id, buffer }, [buffer]);
      });
      return reply.hex === undefined
        ? inPlace.digestOwned(reply.buffer)
        : { sha256: reply.hex, buffer: reply.buffer };
    },
    close() {
      stop('The registry was closed during a load or save.');
    },
  };
}
