/** functions/commons/pacer.ts: at most R calls a second on the clock, shared fairly by loops that use one pacer. */
import { describe, expect, it } from 'vitest';
import { createPacer } from '#commons/pacer.js';
import { FakeClock, T0 } from '#test/support/fixtures.js';

describe('createPacer', () => {
  it('lets the first call go at once and spaces the next ones 1/R apart', async () => {
    // Prepare
    const clock = new FakeClock(T0);
    const pacer = createPacer(4, clock);
    const times: number[] = [];
    // Act
    for (let index = 0; index < 5; index += 1) {
      await pacer.take();
      times.push(clock.now() - Date.parse(T0));
    }
    // Assess
    expect(times).toEqual([0, 250, 500, 750, 1000]);
    expect(pacer.taken).toBe(5);
  });

  it('does not save up a burst while idle', async () => {
    // Prepare
    const clock = new FakeClock(T0);
    const pacer = createPacer(2, clock);
    await pacer.take();
    clock.advance(10);
    // Act
    await pacer.take();
    await pacer.take();
    // Assess: after the idle time, one at once and the next 0.5 s later.
    expect(clock.sleeps).toEqual([0.5]);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => createPacer(0, new FakeClock(T0))).toThrow(RangeError);
  });

  it('waits again when a timer fires early, so no slot is ever taken before its time', async () => {
    // Prepare: a clock whose sleeps come back 40 % short.
    const clock = new FakeClock(T0);
    const early = {
      now: () => clock.now(),
      secondsSince: (iso: string) => clock.secondsSince(iso),
      sleep: (seconds: number) => clock.sleep(seconds * 0.6),
    };
    const pacer = createPacer(10, early);
    const times: number[] = [];
    // Act
    for (let index = 0; index < 4; index += 1) {
      await pacer.take();
      times.push(clock.now() - Date.parse(T0));
    }
    // Assess
    const gaps = times.slice(1).map((time, index) => time - (times[index] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(99.99);
  });
});
