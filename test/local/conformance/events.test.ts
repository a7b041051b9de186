/**
 * SageMaker's EventBridge events from the simulator, field by field against what AWS documents
 * for "SageMaker Model Building Pipeline Execution Status Change" and "... Execution Step Status
 * Change" (source aws.sagemaker, resources = [pipeline ARN, execution ARN], camelCase detail).
 */
import { CreatePipelineCommand, StartPipelineExecutionCommand, StopPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { EXECUTION_STATUS_CHANGE, STEP_STATUS_CHANGE, type EventBridgeEvent } from '#local/simulator/index.js';
import { definition, jobStep, lambdaStep } from '#test/support/conformance-definitions.js';
import { ROLE_ARN, useHarness, uniqueName } from '#test/support/conformance-harness.js';
import { waitForExecutionStatus } from '#test/support/sagemaker-waits.js';

const harness = useHarness({ timeScale: 100 });

/** The documented detail fields of each event, and which of them every event carries. */
const DOCUMENTED = {
  [EXECUTION_STATUS_CHANGE]: {
    fields: [
      'pipelineExecutionDisplayName',
      'currentPipelineExecutionStatus',
      'previousPipelineExecutionStatus',
      'executionStartTime',
      'executionEndTime',
      'pipelineExecutionDescription',
      'pipelineArn',
      'pipelineExecutionArn',
    ],
    always: ['pipelineExecutionDisplayName', 'currentPipelineExecutionStatus', 'executionStartTime', 'pipelineArn', 'pipelineExecutionArn'],
  },
  [STEP_STATUS_CHANGE]: {
    fields: [
      'stepName',
      'stepType',
      'currentStepStatus',
      'previousStepStatus',
      'stepStartTime',
      'stepEndTime',
      'metadata',
      'failureReason',
      'cacheHitResult',
    ],
    always: ['stepName', 'stepType', 'currentStepStatus', 'stepStartTime'],
  },
} as const;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function runAndCollect(steps: Parameters<typeof definition>[0], act: (arn: string) => Promise<void>, description?: string) {
  const name = uniqueName('events');
  const events: EventBridgeEvent[] = [];
  const stop = harness.simulator.observeEvents((event) => events.push(event));
  try {
    await harness.sagemaker.send(
      new CreatePipelineCommand({ PipelineName: name, RoleArn: ROLE_ARN, PipelineDefinition: definition(steps) }),
    );
    const { PipelineExecutionArn: arn = '' } = await harness.sagemaker.send(
      new StartPipelineExecutionCommand({ PipelineName: name, ...(description ? { PipelineExecutionDescription: description } : {}) }),
    );
    await act(arn);
    return { arn, name, events: events.filter((event) => event.resources[1] === arn) };
  } finally {
    stop();
  }
}

const statuses = (events: EventBridgeEvent[], detailType: string, key: string): Array<[unknown, unknown]> =>
  events
    .filter((event) => event['detail-type'] === detailType)
    .map((event) => [event.detail[`previous${key}`], event.detail[`current${key}`]]);

describe("the simulator's SageMaker events", () => {
  it('has the EventBridge envelope on every event: version 0, a unique id, aws.sagemaker, the account, region, time, and the pipeline and execution as resources', async () => {
    // Act
    const { arn, name, events } = await runAndCollect(
      [jobStep('Train', 'Training', { DurationSeconds: 100, StopDurationSeconds: 20 })],
      async (run) => {
        await harness.sagemaker.send(
          new StopPipelineExecutionCommand({ PipelineExecutionArn: run, ClientRequestToken: 'events-stop'.padEnd(32, '0') }),
        );
        await waitForExecutionStatus(harness.sagemaker, run, 'Stopped');
      },
    );

    // Assess
    expect(events.length).toBeGreaterThanOrEqual(6);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    for (const event of events) {
      expect(Object.keys(event).sort()).toEqual([
        'account',
        'detail',
        'detail-type',
        'id',
        'region',
        'resources',
        'source',
        'time',
        'version',
      ]);
      expect(event).toMatchObject({
        version: '0',
        source: 'aws.sagemaker',
        account: '123456789012',
        region: 'us-east-1',
        resources: [`arn:aws:sagemaker:us-east-1:123456789012:pipeline/${name}`, arn],
      });
      expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(event.time).toMatch(ISO);
    }
  });

  it('names only documented detail fields, with the documented types, and the run and its steps in the order they changed', async () => {
    // Act
    const { arn, name, events } = await runAndCollect(
      [jobStep('Train', 'Training', { DurationSeconds: 100, StopDurationSeconds: 20 })],
      async (run) => {
        await harness.sagemaker.send(
          new StopPipelineExecutionCommand({ PipelineExecutionArn: run, ClientRequestToken: 'events-stop'.padEnd(32, '1') }),
        );
        await waitForExecutionStatus(harness.sagemaker, run, 'Stopped');
      },
      'nightly retrain',
    );

    // Assess
    for (const event of events) {
      const documented = DOCUMENTED[event['detail-type'] as keyof typeof DOCUMENTED];
      expect(documented, event['detail-type']).toBeDefined();
      expect(Object.keys(event.detail).filter((key) => !(documented.fields as readonly string[]).includes(key))).toEqual([]);
      for (const key of documented.always) expect(event.detail[key], `${event['detail-type']}: ${key}`).toEqual(expect.any(String));
      for (const key of ['executionStartTime', 'executionEndTime', 'stepStartTime', 'stepEndTime'])
        if (key in event.detail) expect(event.detail[key]).toMatch(ISO);
    }
    expect(statuses(events, EXECUTION_STATUS_CHANGE, 'PipelineExecutionStatus')).toEqual([
      [undefined, 'Executing'],
      ['Executing', 'Stopping'],
      ['Stopping', 'Stopped'],
    ]);
    expect(statuses(events, STEP_STATUS_CHANGE, 'StepStatus')).toEqual([
      [undefined, 'Executing'],
      ['Executing', 'Stopping'],
      ['Stopping', 'Stopped'],
    ]);
    const ended = events.filter((event) => event['detail-type'] === EXECUTION_STATUS_CHANGE).at(-1);
    expect(ended?.detail).toMatchObject({
      pipelineArn: `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${name}`,
      pipelineExecutionArn: arn,
      pipelineExecutionDescription: 'nightly retrain',
      executionEndTime: expect.stringMatching(ISO),
    });
    const step = events.filter((event) => event['detail-type'] === STEP_STATUS_CHANGE).at(-1);
    expect(step?.detail).toMatchObject({ stepName: 'Train', stepType: 'Training', stepEndTime: expect.stringMatching(ISO) });
    expect(step?.detail.metadata).toEqual({
      trainingJob: { arn: expect.stringMatching(/^arn:aws:sagemaker:us-east-1:123456789012:training-job\//) },
    });
  });

  it("carries a failed step's reason, and the run's end as Failed", async () => {
    // Act
    const { events } = await runAndCollect(
      [lambdaStep('Score', { DurationSeconds: 1, Outcome: 'Failed', FailureReason: 'model file missing' })],
      async (run) => {
        await waitForExecutionStatus(harness.sagemaker, run, 'Failed');
      },
    );

    // Assess
    const failed = events.find((event) => event['detail-type'] === STEP_STATUS_CHANGE && event.detail.currentStepStatus === 'Failed');
    expect(failed?.detail).toMatchObject({
      stepName: 'Score',
      stepType: 'Lambda',
      previousStepStatus: 'Executing',
      failureReason: 'model file missing',
      metadata: { lambda: { arn: expect.any(String) } },
    });
    expect(statuses(events, EXECUTION_STATUS_CHANGE, 'PipelineExecutionStatus').at(-1)).toEqual(['Executing', 'Failed']);
  });
});
