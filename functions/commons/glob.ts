/** Globs with `*` as their only wildcard: pipeline-name patterns, and EventBridge's `wildcard` matcher off AWS. */

/**
 * Whether `text` matches `glob` as a whole, `*` being its only wildcard (any run of characters).
 * Linear in the text: the literal parts between stars are found left to right, each at its
 * earliest place (the earliest is always the best for a star-only glob), so no backtracking and
 * no regular expression that could take exponential time on `a*a*a*…c`.
 */
export function matchesGlob(glob: string, text: string): boolean {
  const parts = glob.split('*');
  const first = parts[0] ?? '';
  if (parts.length === 1) return text === first;
  const last = parts[parts.length - 1] ?? '';
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let from = first.length;
  const end = text.length - last.length;
  for (const part of parts.slice(1, -1)) {
    if (part === '') continue;
    const at = text.indexOf(part, from);
    if (at === -1 || at + part.length > end) return false;
    from = at + part.length;
  }
  return true;
}
