// Strings that stand for "no value" in exported data but are not in the load's missing list: a
// lone ".", "-" or "?", or a spelling of "not available" (issue 18, point 4). The quality report
// flags them; it does not decide for the user, since "-" can be a real value.

/** Punctuation-only cells up to three characters: ".", "-", "--", "?", "...", "_", "*", "/". */
const PUNCTUATION = /^[.\-?_*/~#]{1,3}$/;
/** Words (compared in lower case, without spaces) that usually mean "not available". */
const WORDS: ReadonlySet<string> = new Set([
  'na',
  'n/a',
  'n.a.',
  'n.a',
  'nan',
  '#n/a',
  '#na',
  '<na>',
  'null',
  'none',
  'nil',
  'missing',
  'notavailable',
  '(blank)',
  '(empty)',
]);

/** The placeholder a cell holds (trimmed), or null when it looks like a real value. */
export function likelyPlaceholder(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > 16) return null;
  if (PUNCTUATION.test(trimmed)) return trimmed;
  return WORDS.has(trimmed.toLowerCase().replaceAll(' ', '')) ? trimmed : null;
}
