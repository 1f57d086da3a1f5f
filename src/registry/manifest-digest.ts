// The digest of an export manifest's own content. `edgeflow.json` names every other file with its
// SHA-256; this covers what lives only in the manifest (pipeline, profile, signature, metrics,
// lineage, names and numbers), so an edit to any of them is caught on import like an edited shard.
import { sha256HexOfText } from './content-hash.ts';

/** JSON with object keys sorted at every level: the same content always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 (hex) of a manifest's content: every field except `contentSha256` itself, as canonical
 * JSON (keys sorted, no whitespace), so re-serialising the same content does not change it.
 */
export function manifestContentDigest(manifest: Readonly<Record<string, unknown>>): Promise<string> {
  const { contentSha256: _digest, ...content } = manifest;
  return sha256HexOfText(canonicalJson(content));
}
