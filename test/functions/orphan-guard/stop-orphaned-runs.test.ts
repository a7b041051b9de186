import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { DescribePipelineExecutionCommand, ResourceNotFound, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetExecutionHistoryCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { gracefulStopNameOf } from '#stop-records/start-graceful-stop.js';
import { MAX_HISTORY_PAGES, orphanReasonOf, startedRunsOf, stopOrphanedRuns } from '#orphan-guard/stop-orphaned-runs.logic.js';
import { FakeClock } from '#test/support/fixtures.js';
import { PARENT, workflowEnd } from '#test/support/run-events.js';

const sfn = mockClient(SFNClient);
const sagemaker = mockClient(SageMakerClient);
const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:graceful-stop';
const run = (id: string, pipeline = 'training') => `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${pipeline}/execution/${id}`;
const deps = (pipelineNamePattern = '*') => ({
  sfn: new SFNClient({}),
  sagemaker: new SageMakerClient({}),
  clock: new FakeClock(),
  gracefulStopStateMachineArn: STATE_MACHINE,
  pipelineNamePattern,
});

/** The history events of one startPipelineExecution task, answered with `arn` (or not answered). */
function startTask(firstId: number, arn?: string): HistoryEvent[] {
  const timestamp = new Date('2026-12-02T10:00:00Z');
  const events: HistoryEvent[] = [
    {
      id: firstId,
      previousEventId: firstId - 1,
      type: 'TaskScheduled',
      timestamp,
      taskScheduledEventDetails: {
        resourceType: 'aws-sdk:sagemaker',
        resource: 'startPipelineExecution',
        region: 'us-east-1',
        parameters: '{}',
      },
    },
    {
      id: firstId + 1,
      previousEventId: firstId,
      type: 'TaskStarted',
      timestamp,
      taskStartedEventDetails: { resourceType: 'aws-sdk:sagemaker', resource: 'startPipelineExecution' },
    },
  ];
  if (arn) {
    events.push({
      id: firstId + 2,
      previousEventId: firstId + 1,
      type: 'TaskSucceeded',
      timestamp,
      taskSucceededEventDetails: {
        resourceType: 'aws-sdk:sagemaker',
        resource: 'startPipelineExecution',
        output: JSON.stringify({ PipelineExecutionArn: arn }),
      },
    });
  }
  return events;
}

describe('startedRunsOf', () => {
  it('finds the runs the startPipelineExecution tasks returned, once each, and counts the unanswered starts', () => {
    // Prepare
    const history = [...startTask(2, run('aaa')), ...startTask(10, run('bbb')), ...startTask(20, run('aaa')), ...startTask(30)];

    // Act
    const found = startedRunsOf(history);

    // Assess
    expect(found).toEqual({ arns: [run('aaa'), run('bbb')], unanswered: 1 });
  });

  it('ignores other tasks and other SageMaker calls', () => {
    // Prepare
    const timestamp = new Date();
    const other: HistoryEvent[] = [
      {
        id: 2,
        type: 'TaskSucceeded',
        timestamp,
        taskSucceededEventDetails: {
          resourceType: 'aws-sdk:sagemaker',
          resource: 'describePipelineExecution',
          output: JSON.stringify({ PipelineExecutionArn: run('zzz') }),
        },
      },
      {
        id: 3,
        type: 'TaskSucceeded',
        timestamp,
        taskSucceededEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke',
          output: JSON.stringify({ PipelineExecutionArn: run('yyy') }),
        },
      },
    ];

    // Act & Assess
    expect(startedRunsOf(other)).toEqual({ arns: [], unanswered: 0 });
  });
});

describe('stopOrphanedRuns', () => {
  beforeEach(() => {
    sfn.reset();
    sagemaker.reset();
  });

  it("reads every page of the parent's history and gracefully stops the runs it started that still run, naming the parent", async () => {
    // Prepare
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: startTask(2, run('aaa')), nextToken: 'page-2' })
      .resolvesOnce({ events: [...startTask(10, run('bbb')), ...startTask(20, run('ccc'))] });
    sagemaker
      .on(DescribePipelineExecutionCommand, { PipelineExecutionArn: run('aaa') })
      .resolves({ PipelineExecutionStatus: 'Executing' })
      .on(DescribePipelineExecutionCommand, { PipelineExecutionArn: run('bbb') })
      .resolves({ PipelineExecutionStatus: 'Succeeded' })
      .on(DescribePipelineExecutionCommand, { PipelineExecutionArn: run('ccc') })
      .rejects(new ResourceNotFound({ message: 'gone', $metadata: {} }));
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:graceful-stop:x' });

    // Act
    const report = await stopOrphanedRuns(workflowEnd('ABORTED'), deps());

    // Assess
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 2);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[1]?.args[0].input).toMatchObject({
      executionArn: PARENT,
      nextToken: 'page-2',
      includeExecutionData: true,
    });
    expect(report.runs.map((entry) => [entry.pipelineExecutionArn, entry.action])).toEqual([
      [run('aaa'), 'Stopping'],
      [run('bbb'), 'NotRunning'],
      [run('ccc'), 'NotFound'],
    ]);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe(gracefulStopNameOf('orphan', run('aaa')));
    expect(JSON.parse(start?.input ?? '{}')).toEqual({
      pipelineExecutionArn: run('aaa'),
      reason: `Its parent workflow ended ABORTED: ${PARENT}`,
    });
    expect(orphanReasonOf({ executionArn: PARENT, stateMachineArn: '', status: 'TIMED_OUT' })).toContain('TIMED_OUT');
  });

  it("stops no run outside the deployment's pipeline-name pattern", async () => {
    // Prepare
    sfn.on(GetExecutionHistoryCommand).resolves({ events: startTask(2, run('aaa', 'other')) });

    // Act
    const report = await stopOrphanedRuns(workflowEnd('FAILED'), deps('training*'));

    // Assess
    expect(report.runs).toEqual([{ pipelineExecutionArn: run('aaa', 'other'), action: 'OutsidePipelineNamePattern' }]);
    expect(sagemaker.calls()).toHaveLength(0);
  });

  it('gives up by name on a history longer than Step Functions keeps', async () => {
    // Prepare
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [], nextToken: 'again' });

    // Act
    const guarding = stopOrphanedRuns(workflowEnd('TIMED_OUT'), deps());

    // Assess
    await expect(guarding).rejects.toMatchObject({ name: 'HistoryTooLong' });
    expect(sfn).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, MAX_HISTORY_PAGES);
  });

  it('refuses an execution that ended well or an event that is not a Step Functions status change', async () => {
    // Act
    const succeeded = stopOrphanedRuns(workflowEnd('SUCCEEDED'), deps());
    const wrong = stopOrphanedRuns({ source: 'aws.sagemaker', 'detail-type': 'x', detail: {} }, deps());

    // Assess
    await expect(succeeded).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/status is "SUCCEEDED"; expected one of ABORTED, TIMED_OUT, FAILED/),
    });
    await expect(wrong).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});
