// Deterministic rollout buckets: a device's place in a staged rollout, from its install id, the
// model and the release, so raising the percentage only adds devices.
import { subtleCrypto } from './digest.ts';

/**
 * The device's rollout bucket for a release, in [0, 100) with two decimals (0, 0.01, … 99.99):
 * SHA-256 of `installId + "\n" + model + "\n" + release`, first four bytes as an unsigned integer,
 * modulo 10,000, divided by 100. The same inputs always give the same bucket.
 */
export async function rolloutBucket(installId: string, model: string, release: number): Promise<number> {
  const digest = new Uint8Array(
    await subtleCrypto().digest('SHA-256', new TextEncoder().encode(`${installId}\n${model}\n${release}`)),
  );
  const value =
    ((digest[0] ?? 0) * 2 ** 24 + ((digest[1] ?? 0) << 16) + ((digest[2] ?? 0) << 8) + (digest[3] ?? 0)) >>>
    0;
  return (value % 10_000) / 100;
}

/**
 * Whether a device takes a release rolled out to `rolloutPercent` percent: its bucket is below the
 * percentage. 0 % takes no device, 100 % every device; raising the percentage keeps every device
 * already in.
 */
export async function isInRollout(
  installId: string,
  model: string,
  release: number,
  rolloutPercent: number,
): Promise<boolean> {
  return (await rolloutBucket(installId, model, release)) < rolloutPercent;
}
