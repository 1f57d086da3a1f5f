/** Lets queued events (an abort from another thread, a resolved readback) run between batches. */
export interface EventLoopYielder {
  /** Resolves on the next macrotask. */
  yield(): Promise<void>;
  /** Releases the channel. */
  close(): void;
}

/**
 * A macrotask yielder built on a `MessageChannel`: unlike `setTimeout(0)` it is not clamped to
 * 4 ms after nesting (HTML spec, timer nesting level), and unlike `await Promise.resolve()` it
 * lets message events (comlink calls, aborts) in. Falls back to `setTimeout` where there is no
 * `MessageChannel`.
 */
export function createEventLoopYielder(): EventLoopYielder {
  if (typeof MessageChannel !== 'function') {
    return { yield: () => new Promise((resolve) => setTimeout(resolve, 0)), close() {} };
  }
  const channel = new MessageChannel();
  const waiting: Array<() => void> = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return {
    yield() {
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        channel.port2.postMessage(null);
      });
    },
    close() {
      channel.port1.onmessage = null;
      channel.port1.close();
      channel.port2.close();
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}
