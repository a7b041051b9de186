import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClock, readTimeScale } from '#commons/clock.js';

describe('readTimeScale', () => {
  it.each([
    ['unset', {}, 1],
    ['empty', { GRACEFUL_STOP_TIME_SCALE: '' }, 1],
    ['a whole number', { GRACEFUL_STOP_TIME_SCALE: '1000' }, 1000],
    ['a fraction above 1', { GRACEFUL_STOP_TIME_SCALE: '2.5' }, 2.5],
    ['the upper bound', { GRACEFUL_STOP_TIME_SCALE: '10000' }, 10_000],
  ])('reads %s as %s', (_label, env, expected) => {
    // Act / Assess
    expect(readTimeScale(env)).toBe(expected);
  });

  it.each(['0.5', '0', '-2', '10001', 'fast', 'Infinity'])('throws ConfigurationError naming GRACEFUL_STOP_TIME_SCALE for "%s"', (raw) => {
    // Act / Assess
    expect(() => readTimeScale({ GRACEFUL_STOP_TIME_SCALE: raw })).toThrow(
      expect.objectContaining({ name: 'ConfigurationError', message: expect.stringContaining('GRACEFUL_STOP_TIME_SCALE') }),
    );
  });
});

describe('createClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('measures seconds since a timestamp in real time by default', () => {
    // Prepare
    vi.useFakeTimers({ now: Date.parse('2025-03-01T12:01:00.000Z') });
    const clock = createClock();
    // Act
    const seconds = clock.secondsSince('2025-03-01T12:00:00.000Z');
    // Assess
    expect(seconds).toBe(60);
    expect(clock.now()).toBe(Date.parse('2025-03-01T12:01:00.000Z'));
  });

  it('measures simulated seconds K times faster with a time scale of K', () => {
    // Prepare
    vi.useFakeTimers({ now: Date.parse('2025-03-01T12:00:01.000Z') });
    const clock = createClock(100);
    // Act
    const seconds = clock.secondsSince('2025-03-01T12:00:00.000Z');
    // Assess
    expect(seconds).toBe(100);
  });

  it('sleeps the simulated seconds divided by the time scale', async () => {
    // Prepare
    vi.useFakeTimers();
    const clock = createClock(10);
    let woke = false;
    // Act
    const sleeping = clock.sleep(5).then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(499);
    const earlyWake = woke;
    await vi.advanceTimersByTimeAsync(1);
    await sleeping;
    // Assess
    expect(earlyWake).toBe(false);
    expect(woke).toBe(true);
  });
});
