import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ListPipelineExecutionsCommand,
  ListTagsCommand,
  SageMakerClient,
  type ListPipelineExecutionsCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { createPacer } from '#commons/pacer.js';
import { limitConcurrentRuns } from '#pipeline-limits/limit-concurrent-runs.logic.js';
import { POLICY_TAGS } from '#pipeline-runs/tag-policy.js';
import { gracefulStopNameOf } from '#stop-records/start-graceful-stop.js';
import { FakeClock } from '#test/support/fixtures.js';
import { runStatusChange } from '#test/support/run-events.js';

const sagemaker = mockClient(SageMakerClient);
const sfn = mockClient(SFNClient);
const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:graceful-stop';
const run = (id: string) => `arn:aws:sagemaker:us-east-1:123456789012:pipeline/training/execution/${id}`;
const SAME_SECOND = new Date('2026-12-07T10:00:00Z');
const deps = () => ({
  sagemaker: new SageMakerClient({}),
  sfn: new SFNClient({}),
  gracefulStopStateMachineArn: STATE_MACHINE,
  pipelineNamePattern: 'training*',
  pacer: createPacer(5, new FakeClock()),
});
const executing = (...ids: string[]): ListPipelineExecutionsCommandOutput => ({
  $metadata: {},
  PipelineExecutionSummaries: ids.map((id) => ({
    PipelineExecutionArn: run(id),
    PipelineExecutionStatus: 'Executing',
    StartTime: SAME_SECOND,
  })),
});

describe('limitConcurrentRuns', () => {
  beforeEach(() => {
    sagemaker.reset();
    sfn.reset();
    sagemaker.on(ListTagsCommand).resolves({ Tags: [{ Key: POLICY_TAGS.maxConcurrentRuns, Value: '1' }] });
    sfn
      .on(StartExecutionCommand)
      .callsFake((input: { name: string }) => ({ executionArn: `${STATE_MACHINE}:${input.name}`, startDate: new Date() }));
  });

  it('keeps exactly one of two runs started in the same second under a limit of one, whichever event comes first', async () => {
    // Prepare: SageMaker lists the newest first; both events see both runs.
    sagemaker.on(ListPipelineExecutionsCommand).resolves(executing('bbbb', 'aaaa'));

    // Act
    const first = await limitConcurrentRuns(runStatusChange('Executing', run('bbbb'), 'Executing'), deps());
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ $metadata: {}, message: 'exists' }));
    const second = await limitConcurrentRuns(runStatusChange('Executing', run('aaaa'), 'Executing'), deps());

    // Assess
    expect(first.decisions).toEqual([
      { pipelineExecutionArn: run('aaaa'), action: 'Kept' },
      {
        pipelineExecutionArn: run('bbbb'),
        action: 'Stopping',
        gracefulStopExecutionArn: expect.stringContaining(':limit-bbbb-') as string,
      },
    ]);
    expect(second.decisions.map((decision) => decision.action)).toEqual(['Kept', 'AlreadyStopping']);
    const starts = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(new Set(starts.map((start) => start.name))).toEqual(new Set([gracefulStopNameOf('limit', run('bbbb'))]));
    expect(JSON.parse(starts[0]?.input ?? '{}')).toMatchObject({
      pipelineExecutionArn: run('bbbb'),
      reason: 'pipeline limit graceful-stop:max-concurrent-runs=1: 2 runs were executing',
    });
  });

  it('stops nothing when a repeated event finds the runs within the limit', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves(executing('aaaa'));

    // Act
    const report = await limitConcurrentRuns(runStatusChange('Executing', run('aaaa'), 'Executing'), deps());

    // Assess
    expect(report).toMatchObject({ limit: 1, executing: 1, decisions: [{ action: 'Kept' }] });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('gives the stops the grace its tag names, for callback steps nobody answers', async () => {
    // Prepare
    sagemaker.on(ListTagsCommand).resolves({
      Tags: [
        { Key: POLICY_TAGS.maxConcurrentRuns, Value: '1' },
        { Key: POLICY_TAGS.grace, Value: '10m' },
      ],
    });
    sagemaker.on(ListPipelineExecutionsCommand).resolves(executing('bbbb', 'aaaa'));

    // Act
    await limitConcurrentRuns(runStatusChange('Executing', run('bbbb'), 'Executing'), deps());

    // Assess
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}')).toMatchObject({
      releaseCallbacksAfterSeconds: 600,
    });
  });

  it('reports a malformed limit and stops nothing', async () => {
    // Prepare
    sagemaker.on(ListTagsCommand).resolves({ Tags: [{ Key: POLICY_TAGS.maxConcurrentRuns, Value: 'two' }] });

    // Act
    const report = await limitConcurrentRuns(runStatusChange('Executing', run('aaaa'), 'Executing'), deps());

    // Assess
    expect(report.limit).toBeUndefined();
    expect(report.problems).toEqual([
      { tag: POLICY_TAGS.maxConcurrentRuns, value: 'two', problem: expect.stringContaining('whole number') as string },
    ]);
    expect(sagemaker.commandCalls(ListPipelineExecutionsCommand)).toHaveLength(0);
  });

  it('leaves a pipeline outside the deployment’s pattern alone, without reading its tags', async () => {
    // Act
    const report = await limitConcurrentRuns(
      runStatusChange('Executing', 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/other/execution/cccc', 'Executing'),
      deps(),
    );

    // Assess
    expect(report.skipped).toBe('OutsidePipelineNamePattern');
    expect(sagemaker.commandCalls(ListTagsCommand)).toHaveLength(0);
  });
});
