/**
 * What `simulate` prints on stderr: one line per routed event, naming a failure's error, a line for
 * a rule target that failed, and where an execution runs when the CLI follows one (the local Step
 * Functions or AWS, with the console link only on AWS).
 */
import { describe, expect, it } from 'vitest';
import { deadLetterLine, eventLine, functionOutputOf } from '#cli/commands/simulate.js';
import { whereItRuns } from '#cli/aws/run.js';
import { eventBridgeEvent } from '#local/events/event.js';
import type { Delivery } from '#local/events/bus.js';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/abc123';
const completion = (detail: Record<string, unknown>) =>
  eventBridgeEvent({
    source: 'sagemaker-pipelines.graceful-stop',
    'detail-type': 'Graceful Stop Completed',
    detail,
    resources: [],
    account: '123456789012',
    region: 'us-east-1',
    time: '2026-01-01T00:00:00Z',
  });
const delivery = (target: string): Delivery => ({
  rule: `${target}.Rule`,
  target,
  result: Promise.resolve({ ok: true as const, value: undefined }),
});

describe('eventLine', () => {
  it('names the error of a failed stop instead of an empty line', () => {
    // Act
    const line = eventLine(completion({ error: 'PipelineExecutionNotStopping', cause: '…', pipelineExecutionArn: ARN }), []);

    // Assess
    expect(line).toBe(`event Graceful Stop Completed: failed PipelineExecutionNotStopping ${ARN}`);
  });

  it('says the outcome of a stop that ended well, and where the rules sent an event', () => {
    // Act
    const line = eventLine(completion({ outcome: 'Stopped', pipelineExecutionArn: ARN }), [delivery('EndWaitsFunction')]);

    // Assess
    expect(line).toBe(`event Graceful Stop Completed: Stopped ${ARN} -> EndWaitsFunction`);
  });
});

describe('deadLetterLine', () => {
  it('names the target, its error and the event kept, on one line', () => {
    // Prepare
    const event = completion({ outcome: 'Stopped' });
    const error = Object.assign(new Error('The history of\nthe parent could not be read.'), { name: 'HistoryTooLong' });

    // Act
    const line = deadLetterLine({ event, rule: 'StopOrphanedRunsFunction.Rule', target: 'StopOrphanedRunsFunction', error });

    // Assess
    expect(line).toBe(
      `event Graceful Stop Completed (id ${event.id}): StopOrphanedRunsFunction failed: HistoryTooLong: The history of the parent could not be read. (the event is kept with the rule's dead letters)`,
    );
  });
});

describe('functionOutputOf', () => {
  const document = {
    _aws: {
      Timestamp: 0,
      CloudWatchMetrics: [
        {
          Namespace: 'SageMakerPipelinesGracefulStop',
          Dimensions: [['service', 'outcome']],
          Metrics: [{ Name: 'GracefulStops', Unit: 'Count' }],
        },
      ],
    },
    service: 'sagemaker-pipelines-graceful-stop',
    outcome: 'Stopped',
    GracefulStops: 1,
  };

  it('prints each metric on one line with its namespace, only with --metrics', () => {
    // Prepare
    const shown: string[] = [];
    const hidden: string[] = [];

    // Act
    functionOutputOf({ metrics: true, verbose: false }, (line) => shown.push(line)).onMetrics?.(document);
    functionOutputOf({ metrics: false, verbose: false }, (line) => hidden.push(line)).onMetrics?.(document);

    // Assess
    expect(shown).toEqual([
      'metric SageMakerPipelinesGracefulStop GracefulStops 1 Count (service=sagemaker-pipelines-graceful-stop, outcome=Stopped)',
    ]);
    expect(hidden).toEqual([]);
  });
});

describe('whereItRuns', () => {
  const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:graceful-stop:run-1';

  it('says the local Step Functions and gives no console link when the exports point the SDK at it', () => {
    expect(whereItRuns(EXECUTION, { AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:4000' })).toEqual({
      service: 'the local Step Functions at http://127.0.0.1:4000',
    });
  });

  it('says AWS Step Functions with the console link of the region otherwise', () => {
    expect(whereItRuns(EXECUTION, {})).toEqual({
      service: 'AWS Step Functions',
      link: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${EXECUTION}`,
    });
  });
});
