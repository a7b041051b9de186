import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ListPipelineExecutionsCommand, ListPipelinesCommand, ListTagsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { limitsTable } from '#cli/commands/limits.js';
import { parseCommandLine } from '#cli/args.js';
import { createPacer } from '#commons/pacer.js';
import { limitsReport, MAX_PIPELINE_PAGES } from '#pipeline-limits/limits-report.js';
import { POLICY_TAGS } from '#pipeline-runs/tag-policy.js';
import { FakeClock } from '#test/support/fixtures.js';

const sagemaker = mockClient(SageMakerClient);
const NOW = Date.parse('2026-12-07T12:00:00Z');
const pipelineArn = (name: string) => `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${name}`;
const run = (name: string, id: string, hoursAgo: number) => ({
  PipelineExecutionArn: `${pipelineArn(name)}/execution/${id}`,
  PipelineExecutionStatus: 'Executing' as const,
  StartTime: new Date(NOW - hoursAgo * 3_600_000),
});

describe('graceful-stop limits --dry-run', () => {
  beforeEach(() => {
    sagemaker.reset();
    sagemaker.on(ListPipelinesCommand).resolves({
      PipelineSummaries: ['nightly-retrain', 'sweep', 'smoke-test'].map((name) => ({ PipelineName: name, PipelineArn: pipelineArn(name) })),
    });
    sagemaker.on(ListTagsCommand, { ResourceArn: pipelineArn('nightly-retrain') }).resolves({
      Tags: [
        { Key: POLICY_TAGS.maxRuntime, Value: '6h' },
        { Key: POLICY_TAGS.maxConcurrentRuns, Value: '1' },
      ],
    });
    sagemaker.on(ListTagsCommand, { ResourceArn: pipelineArn('sweep') }).resolves({ Tags: [{ Key: POLICY_TAGS.exempt, Value: 'true' }] });
    sagemaker
      .on(ListTagsCommand, { ResourceArn: pipelineArn('smoke-test') })
      .resolves({ Tags: [{ Key: POLICY_TAGS.maxConcurrentRuns, Value: 'many' }] });
    sagemaker.on(ListPipelineExecutionsCommand, { PipelineName: 'nightly-retrain' }).resolves({
      PipelineExecutionSummaries: [run('nightly-retrain', 'new', 1), run('nightly-retrain', 'old', 7)],
    });
    sagemaker
      .on(ListPipelineExecutionsCommand, { PipelineName: 'sweep' })
      .resolves({ PipelineExecutionSummaries: [run('sweep', 'long', 40)] });
    sagemaker
      .on(ListPipelineExecutionsCommand, { PipelineName: 'smoke-test' })
      .resolves({ PipelineExecutionSummaries: [run('smoke-test', 's', 30)] });
  });

  it("shows each pipeline's policy and what it would stop now, within 80 columns, and each tag refused", async () => {
    // Act
    const report = await limitsReport(new SageMakerClient({}), {
      pattern: '*',
      deploymentMaxRuntimeSeconds: 86_400,
      now: NOW,
      pacer: createPacer(5, new FakeClock()),
    });
    const table = limitsTable(report).split('\n');

    // Assess
    const nightly = report.find((pipeline) => pipeline.pipelineName === 'nightly-retrain');
    expect(nightly?.wouldStop).toEqual([
      { pipelineExecutionArn: `${pipelineArn('nightly-retrain')}/execution/old`, why: 'MaxRuntime', tag: POLICY_TAGS.maxRuntime },
      {
        pipelineExecutionArn: `${pipelineArn('nightly-retrain')}/execution/new`,
        why: 'MaxConcurrentRuns',
        tag: POLICY_TAGS.maxConcurrentRuns,
      },
    ]);
    expect(report.find((pipeline) => pipeline.pipelineName === 'sweep')?.wouldStop).toEqual([]);
    expect(report.find((pipeline) => pipeline.pipelineName === 'smoke-test')?.wouldStop).toEqual([
      { pipelineExecutionArn: `${pipelineArn('smoke-test')}/execution/s`, why: 'MaxRuntime', tag: 'GuardMaxRuntimeSeconds' },
    ]);
    expect(table[0]).toMatch(/^pipeline +max runtime +max runs +grace +exempt +running +would stop$/);
    expect(table).toContain('nightly-retrain          6h          1        -      no     2       1 old 1 over');
    expect(table.slice(-2)).toEqual([
      'refused smoke-test: graceful-stop:max-concurrent-runs="many"',
      '  expected a whole number from 1 to 1000',
    ]);
    expect(table.every((line) => line.length <= 80)).toBe(true);
  });

  it('reads at most MAX_PIPELINE_PAGES pages of pipelines, however many pages SageMaker offers', async () => {
    // Prepare
    sagemaker
      .on(ListPipelinesCommand)
      .resolves({ PipelineSummaries: [{ PipelineName: 'other', PipelineArn: pipelineArn('other') }], NextToken: 'more' });

    // Act
    const report = await limitsReport(new SageMakerClient({}), {
      pattern: 'nightly-*',
      now: NOW,
      pacer: createPacer(1_000, new FakeClock()),
    });

    // Assess
    expect(report).toEqual([]);
    expect(sagemaker.commandCalls(ListPipelinesCommand)).toHaveLength(MAX_PIPELINE_PAGES);
  });

  it('takes --dry-run, a pattern and the deployment’s runtime, and refuses to run without --dry-run', () => {
    // Act
    const command = parseCommandLine(['limits', '--dry-run', '--pipeline-pattern', 'nightly-*', '--max-runtime', '24h', '--json']);

    // Assess
    expect(command).toEqual({ name: 'limits', json: true, pipelineNamePattern: 'nightly-*', maxRuntimeSeconds: 86_400 });
    expect(() => parseCommandLine(['limits'])).toThrow(/add --dry-run/);
  });
});
