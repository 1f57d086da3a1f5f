// The typed arrays the table builder writes columns into: growing them while rows stream in, trimming
// them to the row count at the end, one representation for "no missing value", and categorical
// dictionaries pruned to the categories kept rows use.

/** The typed arrays a column is stored in. */
export type Growable = Float32Array | Float64Array | Uint8Array | Int32Array;

/** A copy of `array` with room for `capacity` values (null stays null). */
export function grown<T extends Growable>(array: T | null, capacity: number): T | null {
  if (array === null) return null;
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array);
  return next;
}

/**
 * Trims an array to `n` elements: a view when little capacity is left over (no copy), a copy when
 * more than a quarter would be wasted.
 */
export function trimToLength<T extends Growable>(array: T, n: number): T {
  if (array.length === n) return array;
  if (array.length - n > n / 4) return array.slice(0, n) as T;
  return array.subarray(0, n) as T;
}

/** A mask with no missing cell becomes null, so "no missing values" has one representation. */
export function shrinkMask(mask: Uint8Array | null, n: number): Uint8Array | null {
  if (!mask) return null;
  const view = mask.subarray(0, n);
  if (view.indexOf(1) === -1) return null;
  return trimToLength(mask, n);
}

/**
 * Drops dictionary entries no kept row uses (categories seen only in dropped rows), renumbering
 * codes in order of first appearance so equal data always gets equal codes.
 */
export function pruneDictionary(
  codes: Int32Array,
  dictionary: string[],
): { codes: Int32Array; dictionary: string[] } {
  const remap = new Int32Array(dictionary.length).fill(-1);
  const kept: string[] = [];
  let inOrder = true;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code < 0) continue;
    if (remap[code] === -1) {
      if (code !== kept.length) inOrder = false;
      remap[code] = kept.length;
      kept.push(dictionary[code] as string);
    }
  }
  if (inOrder && kept.length === dictionary.length) return { codes, dictionary };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code >= 0) codes[i] = remap[code] as number;
  }
  return { codes, dictionary: kept };
}
