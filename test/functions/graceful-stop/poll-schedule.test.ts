import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GROWTH, MIN_INTERVAL_SECONDS, nextWaitSeconds, pollIntervalSeconds } from '#graceful-stop/poll-schedule.js';

describe('pollIntervalSeconds', () => {
  it.each([
    ['1 s right after the stop', 0, 20, 1],
    ['1 s for a negative elapsed time (clock skew)', -30, 20, 1],
    ['4 % of the time already spent draining', 250, 20, 10],
    ['rounded to whole seconds', 110, 20, 4],
    ['the cap once 4 % of the elapsed time exceeds it', 10_000, 20, 20],
    ['a cap of 1 s when configured so', 10_000, 1, 1],
  ])('is %s', (_label, elapsed, cap, expected) => {
    // Act / Assess
    expect(pollIntervalSeconds(elapsed, cap)).toBe(expected);
  });

  it('grows monotonically with the elapsed time and stays between 1 s and the cap', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100_000, noNaN: true }),
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.integer({ min: 1, max: 300 }),
        (elapsed, more, cap) => {
          // Act
          const now = pollIntervalSeconds(elapsed, cap);
          const later = pollIntervalSeconds(elapsed + more, cap);
          // Assess
          expect(now).toBeGreaterThanOrEqual(MIN_INTERVAL_SECONDS);
          expect(now).toBeLessThanOrEqual(cap);
          expect(Number.isInteger(now)).toBe(true);
          expect(later).toBeGreaterThanOrEqual(now);
        },
      ),
    );
  });

  it('keeps the detection delay a small fraction of the drain once past the first seconds', () => {
    // Act
    const interval = pollIntervalSeconds(300, 300);
    // Assess
    expect(interval).toBe(Math.round(300 * GROWTH));
  });
});

describe('nextWaitSeconds', () => {
  it.each([
    ['the poll interval when the deadline is far', 250, 650, 20, 10],
    ['the cap when the deadline is far and the drain long', 5000, 4000, 20, 20],
    ['the remaining time when the deadline is closer than the interval', 800, 7, 20, 7],
    ['the remaining time rounded up to a whole second', 800, 6.2, 20, 7],
    ['1 s when the deadline is now', 900, 0, 20, 1],
    ['1 s when the deadline has passed', 950, -50, 20, 1],
  ])('is %s', (_label, elapsed, remaining, cap, expected) => {
    // Act / Assess
    expect(nextWaitSeconds(elapsed, remaining, cap)).toBe(expected);
  });

  it('is a whole number of seconds from 1 to the cap that never waits past the first whole second at or after the deadline', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 90_000, noNaN: true }),
        fc.double({ min: -1000, max: 90_000, noNaN: true }),
        fc.integer({ min: 1, max: 300 }),
        (elapsed, remaining, cap) => {
          // Act
          const wait = nextWaitSeconds(elapsed, remaining, cap);
          // Assess
          expect(Number.isInteger(wait)).toBe(true);
          expect(wait).toBeGreaterThanOrEqual(1);
          expect(wait).toBeLessThanOrEqual(cap);
          expect(wait).toBeLessThanOrEqual(Math.max(MIN_INTERVAL_SECONDS, Math.ceil(remaining)));
        },
      ),
    );
  });
});
