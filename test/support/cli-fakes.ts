/** The CLI's outside world, faked for its tests: captured stdout and stderr, and a follow clock that moves only when it sleeps. */
import type { FollowOptions } from '#cli/aws/follow.js';
import type { CliIO } from '#cli/io.js';

/** A clock that only moves when the follow loop sleeps. */
export function fakeFollow(overrides: Partial<FollowOptions> = {}): FollowOptions & { sleeps: number[] } {
  let now = Date.parse('2026-01-01T10:00:00Z');
  const sleeps: number[] = [];
  return {
    deadlineMs: 60_000,
    initialPollMs: 1_000,
    maxPollMs: 4_000,
    backoff: 2,
    maxHistoryPagesPerPoll: 5,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
    ...overrides,
  };
}

export function captureIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, isTTY: false, out: (text) => stdout.push(text), err: (text) => stderr.push(text) };
}
