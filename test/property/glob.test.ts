/**
 * Pipeline-name patterns: `matchesGlob` agrees with a plain regular-expression
 * reading of the glob on every input, and adversarial patterns (`a*a*a*…c`)
 * against 256-character names take linear time, where a backtracking regular
 * expression takes seconds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesGlob } from '#stop-all/stop-all-request.js';

/** The meaning of a star-only glob, as a reference (fine on short inputs only). */
const reference = (glob: string, text: string): boolean =>
  new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
      .join('.*')}$`,
  ).test(text);

/** Best of three runs in ms: a match that is linear stays far below the bound even on a busy machine. */
function bestOfThreeMs(match: () => boolean): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    match();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const small = fc.stringMatching(/^[ab*-]{0,12}$/);
const name = fc.stringMatching(/^[ab-]{0,16}$/);

describe('matchesGlob', () => {
  it('agrees with the regular-expression reading of the glob for any pattern and name', () => {
    fc.assert(
      fc.property(small, name, (glob, text) => {
        expect(matchesGlob(glob, text)).toBe(reference(glob, text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('matches adversarial patterns against 256-character names in under 10 ms each', () => {
    const adversarial = fc.record({
      stars: fc.integer({ min: 2, max: 40 }),
      letter: fc.constantFrom('a', 'b', '-'),
      tail: fc.constantFrom('c', 'cd', 'x-y'),
      nameLength: fc.integer({ min: 200, max: 256 }),
    });
    fc.assert(
      fc.property(adversarial, ({ stars, letter, tail, nameLength }) => {
        // Prepare: `a*a*…*a*c` against `aaaa…a`, the shape that makes `^a.*a.*…c$` backtrack.
        const glob = `${Array.from({ length: stars }, () => letter).join('*')}*${tail}`;
        const text = letter.repeat(nameLength);
        // Act
        const ms = bestOfThreeMs(() => matchesGlob(glob, text));
        // Assess
        expect(matchesGlob(glob, text)).toBe(false);
        expect(ms, `${glob} against ${nameLength} characters`).toBeLessThan(10);
      }),
      { numRuns: 200 },
    );
  });
});
