import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ListTagsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { policyOfTags, POLICY_TAGS, readPipelineTags } from '#pipeline-runs/tag-policy.js';

const sagemaker = mockClient(SageMakerClient);

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

describe('readPipelineTags', () => {
  it("reads every page of a pipeline's tags, each call paced", async () => {
    // Prepare
    sagemaker.reset();
    sagemaker
      .on(ListTagsCommand)
      .resolvesOnce({ Tags: [{ Key: POLICY_TAGS.maxRuntime, Value: '6h' }], NextToken: 'next' })
      .resolves({ Tags: [{ Key: POLICY_TAGS.exempt, Value: 'true' }] });
    let paced = 0;

    // Act
    const tags = await readPipelineTags(new SageMakerClient({}), 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p', async () => {
      paced += 1;
    });

    // Assess
    expect(tags).toEqual([
      { Key: POLICY_TAGS.maxRuntime, Value: '6h' },
      { Key: POLICY_TAGS.exempt, Value: 'true' },
    ]);
    expect(paced).toBe(2);
    expect(sagemaker.commandCalls(ListTagsCommand)[1]?.args[0].input.NextToken).toBe('next');
  });
});
