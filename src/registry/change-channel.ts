// Change announcements: local listeners plus a BroadcastChannel, so other tabs, workers and the
// demo refresh when a version, alias, run or dataset changes.
import type { RegistryChange, RegistryChangeListener } from './types.ts';

/** The channel name every registry announces on. */
export const REGISTRY_CHANNEL = 'edgeflow-registry';

/** Sends and receives registry changes. */
export class ChangeChannel {
  private readonly listeners = new Set<RegistryChangeListener>();
  private channel: BroadcastChannel | undefined;

  constructor(name: string | null) {
    if (
      name !== null &&
      typeof (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel === 'function'
    ) {
      this.channel = new BroadcastChannel(name);
      this.channel.onmessage = (event: MessageEvent<RegistryChange>) => this.deliver(event.data);
    }
  }

  private deliver(change: RegistryChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        // A listener's bug must not break the write that announced the change.
        console.error('edgeflow registry: a change listener threw', error);
      }
    }
  }

  /** Tells local listeners and every other context on the channel (after the change committed). */
  announce(change: RegistryChange): void {
    this.deliver(change);
    this.channel?.postMessage(change);
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: RegistryChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    this.channel?.close();
    this.channel = undefined;
  }
}
