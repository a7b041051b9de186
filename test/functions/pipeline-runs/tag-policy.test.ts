import { describe, expect, it } from 'vitest';
import { policyOfTags, POLICY_TAGS } from '#pipeline-runs/tag-policy.js';

describe('policyOfTags', () => {
  it("reads a pipeline's limits from its graceful-stop: tags and ignores everyone else's", () => {
    // Act
    const { policy, problems } = policyOfTags([
      { Key: POLICY_TAGS.maxRuntime, Value: '6h' },
      { Key: POLICY_TAGS.maxConcurrentRuns, Value: '2' },
      { Key: POLICY_TAGS.grace, Value: '15m' },
      { Key: POLICY_TAGS.exempt, Value: 'true' },
      { Key: 'team', Value: 'forecasting' },
    ]);

    // Assess
    expect(policy).toEqual({ maxRuntimeSeconds: 21_600, maxConcurrentRuns: 2, graceSeconds: 900, exempt: true });
    expect(problems).toEqual([]);
  });

  it.each([
    [POLICY_TAGS.maxRuntime, 'six hours', 'expected a duration such as 6h, 90m or 2d'],
    [POLICY_TAGS.maxRuntime, '30s', 'expected 60 s to 2419200 s (672 h)'],
    [POLICY_TAGS.maxConcurrentRuns, '0', 'expected a whole number from 1 to 1000'],
    [POLICY_TAGS.maxConcurrentRuns, '2.5', 'expected a whole number from 1 to 1000'],
    [POLICY_TAGS.grace, '-5m', 'expected a duration such as 0, 90s or 15m'],
    [POLICY_TAGS.exempt, 'yes', 'expected true or false'],
    ['graceful-stop:max-runtime-hours', '6', 'unknown policy tag'],
  ])('reports %s=%s and leaves it out of the policy', (tag, value, problem) => {
    // Act
    const { policy, problems } = policyOfTags([{ Key: tag, Value: value }]);

    // Assess
    expect(policy).toEqual({ exempt: false });
    expect(problems).toEqual([{ tag, value, problem: expect.stringContaining(problem) as string }]);
  });
});
