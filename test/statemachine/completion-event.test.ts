/**
 * The completion event: with COMPLETION_EVENT_BUS_NAME set, every run
 * publishes one event to EventBridge, and a failed publish never changes how
 * the graceful stop ends. The handler reads the bus name when it loads, so
 * this file sets it before importing the handlers.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeClient, EventBridgeServiceException, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { createGracefulStopMachine } from '#local/engine/graceful-stop.js';
import {
  EXECUTION_ARN,
  FAST,
  START,
  expectEndedInFailState,
  expectSucceeded,
  lambdaStep,
  notFound,
} from '#test/support/state-machine-paths.js';
import { S, caught, pathOf, retried } from '#test/support/run-path.js';

const BUS = 'ml-platform-events';
vi.stubEnv('COMPLETION_EVENT_BUS_NAME', BUS);
const { sourceHandlers } = await import('#test/support/source-handlers.js');
afterAll(() => vi.unstubAllEnvs());

const sagemaker = mockClient(SageMakerClient);
const eventBridge = mockClient(EventBridgeClient);
const machine = createGracefulStopMachine(sourceHandlers);

const STOPPED_PATH = [...START, S.check, S.drained, S.leftovers, S.report, S.publish, S.endedWell, S.succeeded];

function stopsCleanly(): void {
  sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: EXECUTION_ARN });
  sagemaker.on(DescribePipelineExecutionCommand).resolves({ PipelineExecutionStatus: 'Stopped' });
  sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [lambdaStep('Preprocess', 'Stopped')] });
}

/** An EventBridge service error as the SDK raises it. */
const eventBridgeError = (name: string, message: string): EventBridgeServiceException =>
  new EventBridgeServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });

const putEntries = () => eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);

describe('graceful-stop state machine: completion event', () => {
  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
  });

  it('publishes one event carrying the output document when the stop succeeds', async () => {
    // Prepare
    stopsCleanly();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN, reason: 'Quota' }, FAST);

    // Assess
    const output = expectSucceeded(result);
    expect(pathOf(result)).toEqual(STOPPED_PATH);
    const entries = putEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toHaveLength(1);
    const [entry] = entries[0] ?? [];
    expect(entry).toMatchObject({
      EventBusName: BUS,
      Source: 'sagemaker-pipelines.graceful-stop',
      DetailType: 'Graceful Stop Completed',
      Resources: [EXECUTION_ARN],
    });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual(output);
    expect(output).toMatchObject({ outcome: 'Stopped', reason: 'Quota' });
    expect(output).not.toHaveProperty('completionEvent');
  });

  it('publishes one event carrying the error and cause when the stop ends in a named failure', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).rejects(notFound());
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] });

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    expect(pathOf(result)).toEqual([...START, caught(S.stop), S.report, S.publish, S.endedWell, S.notFound]);
    expectEndedInFailState(result, S.notFound, 'PipelineExecutionNotFound');
    const entries = putEntries();
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]?.[0]?.Detail ?? '{}')).toEqual({
      error: 'PipelineExecutionNotFound',
      cause: result.cause,
      pipelineExecutionArn: EXECUTION_ARN,
    });
  });

  it('still ends Stopped when PutEvents is denied', async () => {
    // Prepare
    stopsCleanly();
    eventBridge.on(PutEventsCommand).rejects(eventBridgeError('AccessDeniedException', 'Not authorized to perform events:PutEvents'));

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    const output = expectSucceeded(result);
    expect(pathOf(result)).toEqual([
      ...START,
      S.check,
      S.drained,
      S.leftovers,
      S.report,
      S.publish,
      caught(S.publish),
      S.endedWell,
      S.succeeded,
    ]);
    expect(output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped' });
    expect(putEntries()).toHaveLength(1);
  });

  it('still ends Stopped when EventBridge rejects the entry (FailedEntryCount 1)', async () => {
    // Prepare
    stopsCleanly();
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Try again later' }] });

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    const output = expectSucceeded(result);
    expect(pathOf(result)).toEqual([
      ...START,
      S.check,
      S.drained,
      S.leftovers,
      S.report,
      S.publish,
      caught(S.publish),
      S.endedWell,
      S.succeeded,
    ]);
    expect(output).toMatchObject({ outcome: 'Stopped' });
  });

  it('retries a throttled PutEvents and publishes once it goes through', async () => {
    // Prepare
    stopsCleanly();
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(eventBridgeError('ThrottlingException', 'Rate exceeded'))
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-3' }] });

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    expectSucceeded(result);
    expect(pathOf(result)).toEqual([
      ...START,
      S.check,
      S.drained,
      S.leftovers,
      S.report,
      S.publish,
      retried(S.publish),
      S.endedWell,
      S.succeeded,
    ]);
    expect(putEntries()).toHaveLength(2);
  });

  it('still ends in the same named failure when publishing its event fails', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).rejects(notFound());
    eventBridge.on(PutEventsCommand).rejects(eventBridgeError('AccessDeniedException', 'Not authorized to perform events:PutEvents'));

    // Act
    const result = await machine.run({ pipelineExecutionArn: EXECUTION_ARN }, FAST);

    // Assess
    expect(pathOf(result)).toEqual([...START, caught(S.stop), S.report, S.publish, caught(S.publish), S.endedWell, S.notFound]);
    expectEndedInFailState(result, S.notFound, 'PipelineExecutionNotFound');
  });
});
