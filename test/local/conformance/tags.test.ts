import { AddTagsCommand, CreatePipelineCommand, DeleteTagsCommand, ListTagsCommand } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { definition, jobStep } from '#test/support/conformance-definitions.js';
import { ROLE_ARN, useHarness, uniqueName } from '#test/support/conformance-harness.js';

const harness = useHarness({ timeScale: 100 });

const create = async (tags?: Array<{ Key: string; Value: string }>): Promise<string> =>
  (
    await harness.sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: uniqueName('tagged'),
        RoleArn: ROLE_ARN,
        PipelineDefinition: definition([jobStep('Train')]),
        Tags: tags,
      }),
    )
  ).PipelineArn as string;

describe('AddTags, ListTags and DeleteTags on pipelines', () => {
  it("keeps CreatePipeline's tags, adds and overwrites with AddTags, removes with DeleteTags", async () => {
    // Prepare
    const arn = await create([{ Key: 'graceful-stop:max-concurrent-runs', Value: '2' }]);

    // Act
    await harness.sagemaker.send(
      new AddTagsCommand({
        ResourceArn: arn,
        Tags: [
          { Key: 'graceful-stop:max-concurrent-runs', Value: '3' },
          { Key: 'team', Value: 'forecasting' },
        ],
      }),
    );
    const added = await harness.sagemaker.send(new ListTagsCommand({ ResourceArn: arn }));
    await harness.sagemaker.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: ['team'] }));
    const left = await harness.sagemaker.send(new ListTagsCommand({ ResourceArn: arn }));

    // Assess
    expect(added.Tags).toEqual([
      { Key: 'graceful-stop:max-concurrent-runs', Value: '3' },
      { Key: 'team', Value: 'forecasting' },
    ]);
    expect(left.Tags).toEqual([{ Key: 'graceful-stop:max-concurrent-runs', Value: '3' }]);
  });

  it('pages ListTags by MaxResults (at least 50) and holds at most 50 tags on a pipeline', async () => {
    // Prepare
    const arn = await create(Array.from({ length: 50 }, (_, index) => ({ Key: `key-${index}`, Value: String(index) })));

    // Act
    const first = await harness.sagemaker.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 50 }));
    const more = harness.sagemaker.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'one-more', Value: 'x' }] }));

    // Assess
    expect(first.Tags).toHaveLength(50);
    expect(first.NextToken).toBeUndefined();
    await expect(more).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('at most 50 tags') as string,
    });
    await expect(harness.sagemaker.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 10 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it.each([
    ['a key of AWS', [{ Key: 'aws:owner', Value: 'x' }], 'reserved for AWS use'],
    ['a key longer than 128 characters', [{ Key: 'k'.repeat(129), Value: 'x' }], 'length between 1 and 128'],
    ['a value longer than 256 characters', [{ Key: 'k', Value: 'v'.repeat(257) }], 'length between 0 and 256'],
    ['a key with a character outside the pattern', [{ Key: 'a;b', Value: 'x' }], 'regular expression pattern'],
    [
      'a key twice',
      [
        { Key: 'k', Value: '1' },
        { Key: 'k', Value: '2' },
      ],
      'more than once',
    ],
  ])('refuses %s with a ValidationException saying what was wrong', async (_what, tags, message) => {
    // Prepare
    const arn = await create();

    // Act
    const added = harness.sagemaker.send(new AddTagsCommand({ ResourceArn: arn, Tags: tags }));

    // Assess
    await expect(added).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining(message) as string });
  });

  it('refuses the tags of a pipeline that does not exist', async () => {
    // Act
    const listed = harness.sagemaker.send(new ListTagsCommand({ ResourceArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/nobody' }));

    // Assess
    await expect(listed).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('does not exist') as string,
    });
  });
});
