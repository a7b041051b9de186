/** local/events/bus.ts: template.yaml's own rules route events off AWS, with their InputPath. */
import { describe, expect, it } from 'vitest';
import { LocalEventBus, atInputPath, localRuleValues, templateRules } from '#local/events/bus.js';
import { matchesEventPattern } from '#local/events/pattern.js';
import { readTemplate } from '#local/template.js';
import type { EventBridgeEvent } from '#local/events/event.js';

const event = (source: string, detailType: string, detail: Record<string, unknown>): EventBridgeEvent => ({
  version: '0',
  id: 'e1',
  'detail-type': detailType,
  source,
  account: '123456789012',
  time: '2026-12-02T08:00:00.000Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

describe('templateRules', () => {
  it('reads the Graceful Stop Requested rule from template.yaml: its pattern, its InputPath and the state machine it starts', () => {
    // Act
    const rules = templateRules();
    // Assess
    expect(rules).toContainEqual({
      name: 'GracefulStopStateMachine.GracefulStopRequested',
      pattern: { source: ['sagemaker-pipelines.graceful-stop'], 'detail-type': ['Graceful Stop Requested'] },
      target: 'GracefulStopStateMachine',
      inputPath: '$.detail',
    });
  });
});

describe('templateRules: the run events', () => {
  const values = (overrides: Record<string, string> = {}) =>
    localRuleValues(readTemplate(), { PipelineNamePattern: 'nightly-*', OrphanGuardStateMachinePattern: 'training-*', ...overrides });
  const runStatus = (status: string, pipeline = 'nightly-scoring') =>
    event('aws.sagemaker', 'SageMaker Model Building Pipeline Execution Status Change', {
      currentPipelineExecutionStatus: status,
      pipelineArn: `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${pipeline}`,
      pipelineExecutionArn: `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${pipeline}/execution/abc`,
    });
  const workflowEnd = (status: string, stateMachine = 'training-nightly') =>
    event('aws.states', 'Step Functions Execution Status Change', {
      status,
      stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${stateMachine}`,
    });
  const targetsOf = (rules: ReturnType<typeof templateRules>, routed: EventBridgeEvent): string[] =>
    rules.filter((rule) => matchesEventPattern(rule.pattern, routed)).map((rule) => rule.target);

  it("sends a run entering Stopping to the stop watch, a run that ended to the wake-up and a run entering Executing to its pipeline's limit, within the pipeline-name pattern", () => {
    // Prepare
    const rules = templateRules(readTemplate(), values());

    // Act & Assess
    expect(targetsOf(rules, runStatus('Stopping'))).toEqual(['WatchStoppingRunFunction']);
    expect(targetsOf(rules, runStatus('Stopped'))).toEqual(['EndWaitsFunction']);
    expect(targetsOf(rules, runStatus('Executing'))).toEqual(['LimitConcurrentRunsFunction']);
    expect(targetsOf(rules, runStatus('Stopping', 'other-pipeline'))).toEqual([]);
    expect(targetsOf(rules, runStatus('Executing', 'other-pipeline'))).toEqual([]);
  });

  it('sends an aborted, timed-out or failed workflow of the chosen state machines to the orphan guard, and nothing else', () => {
    // Prepare
    const rules = templateRules(readTemplate(), values());

    // Act & Assess
    for (const status of ['ABORTED', 'TIMED_OUT', 'FAILED'])
      expect(targetsOf(rules, workflowEnd(status))).toEqual(['StopOrphanedRunsFunction']);
    expect(targetsOf(rules, workflowEnd('SUCCEEDED'))).toEqual([]);
    expect(targetsOf(rules, workflowEnd('ABORTED', 'scoring-nightly'))).toEqual([]);
  });

  it('names a value a pattern needs and was not given', () => {
    // Act
    const reading = () => templateRules(readTemplate(), { 'AWS::Partition': 'aws' });

    // Assess
    expect(reading).toThrow(expect.objectContaining({ name: 'RuleValueMissing' }));
  });
});

describe('LocalEventBus', () => {
  it('starts the target of a matching rule with the part of the event its InputPath names, and nothing for other events', async () => {
    // Prepare
    const started: unknown[] = [];
    const bus = new LocalEventBus({ GracefulStopStateMachine: async (input) => started.push(input) });
    const request = event('sagemaker-pipelines.graceful-stop', 'Graceful Stop Requested', {
      pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/x',
    });

    // Act
    const deliveries = bus.put(request);
    const ignored = bus.put(
      event('aws.sagemaker', 'SageMaker Model Building Pipeline Execution Status Change', { currentPipelineExecutionStatus: 'Stopping' }),
    );
    await Promise.all(deliveries.map((delivery) => delivery.result));

    // Assess
    expect(deliveries.map((delivery) => [delivery.rule, delivery.target])).toEqual([
      ['GracefulStopStateMachine.GracefulStopRequested', 'GracefulStopStateMachine'],
    ]);
    expect(ignored).toEqual([]);
    expect(started).toEqual([{ pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/x' }]);
  });

  it('reports a target that fails as a failed delivery, and goes on', async () => {
    // Prepare
    const bus = new LocalEventBus({ GracefulStopStateMachine: async () => Promise.reject(new Error('engine down')) });

    // Act
    const [delivery] = bus.put(event('sagemaker-pipelines.graceful-stop', 'Graceful Stop Requested', {}));

    // Assess
    await expect(delivery?.result).resolves.toMatchObject({ ok: false, error: expect.objectContaining({ message: 'engine down' }) });
  });
});

describe('atInputPath', () => {
  it('hands on the whole event for $, a field for $.a.b, and refuses what it cannot read', () => {
    expect(atInputPath({ detail: { a: 1 } }, '$')).toEqual({ detail: { a: 1 } });
    expect(atInputPath({ detail: { a: { b: 2 } } }, '$.detail.a.b')).toBe(2);
    expect(() => atInputPath({}, '$.detail[0]')).toThrow(/not supported off AWS/);
  });
});
