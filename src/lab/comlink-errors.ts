import * as Comlink from 'comlink';
import { EdgeflowError, type SerializedEdgeflowError } from '../errors.ts';

type ThrowHandler = Comlink.TransferHandler<{ value: unknown }, unknown>;
type Wire = { edgeflow: SerializedEdgeflowError } | { other: unknown };

let installed = false;

/**
 * Replaces comlink's `"throw"` transfer handler so an `EdgeflowError` thrown in a worker arrives on
 * the main thread as an `EdgeflowError` with its `code` and `details` (comlink's own handler keeps
 * only message, name and stack). Must run on both sides; idempotent.
 */
export function installEdgeflowThrowHandler(): void {
  if (installed) return;
  const original = Comlink.transferHandlers.get('throw') as ThrowHandler | undefined;
  if (!original)
    throw new Error('comlink has no "throw" transfer handler to extend; check the comlink version.');
  const handler: Comlink.TransferHandler<{ value: unknown }, Wire> = {
    canHandle: (value): value is { value: unknown } => original.canHandle(value),
    serialize(thrown) {
      if (thrown.value instanceof EdgeflowError) return [{ edgeflow: thrown.value.toJSON() }, []];
      const [wire, transferables] = original.serialize(thrown);
      return [{ other: wire }, transferables];
    },
    deserialize(wire) {
      if ('edgeflow' in wire) throw EdgeflowError.fromJSON(wire.edgeflow);
      return original.deserialize(wire.other);
    },
  };
  Comlink.transferHandlers.set('throw', handler as Comlink.TransferHandler<unknown, unknown>);
  installed = true;
}
