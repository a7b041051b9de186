import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  COMPLETED_DETAIL_TYPE,
  EVENT_SOURCE,
  completionDetail,
  publishCompletionEvent,
} from '#graceful-stop/publish-completion-event.logic.js';
import type { GracefulStopState, OutputDocument } from '#graceful-stop/model.js';
import { ARN, EXECUTION_ID, outputDocument } from '#test/support/fixtures.js';

const eventBridge = mockClient(EventBridgeClient);

const document: OutputDocument = outputDocument({
  steps: [{ name: 'Approve', type: 'Callback', status: 'Stopped', callbackToken: '***h12' }],
});
const succeeded: GracefulStopState = { raw: {}, executionId: EXECUTION_ID, result: { document } };
const failedCause = `The pipeline execution was still Stopping after the 900 s deadline; still draining: Lambda step 'Work' (Stopping for 900 s). [pipelineExecutionArn=${ARN}, finalStatus=Stopping, waitedSeconds=900, polls=40]`;
const failed: GracefulStopState = {
  raw: {},
  executionId: EXECUTION_ID,
  result: { error: 'DrainTimedOut', cause: failedCause, document: { ...document, outcome: null, finalStatus: 'Stopping' } },
};

function publish(state: GracefulStopState, eventBusName = 'ml-ops-bus'): Promise<boolean> {
  return publishCompletionEvent(state, { eventBridge: new EventBridgeClient({}), eventBusName });
}

describe('completionDetail', () => {
  it('is the output document after a success', () => {
    // Act / Assess
    expect(completionDetail(succeeded)).toEqual(document);
  });

  it('is the error, cause and ARN after a named failure', () => {
    // Act / Assess
    expect(completionDetail(failed)).toEqual({ error: 'DrainTimedOut', cause: failedCause, pipelineExecutionArn: ARN });
  });

  it('throws CompletionEventNotDelivered when Report Outcome has not run', () => {
    // Act / Assess
    expect(() => completionDetail({ raw: {}, executionId: EXECUTION_ID })).toThrow(
      expect.objectContaining({ name: 'CompletionEventNotDelivered', message: expect.stringContaining('Report Outcome must run first') }),
    );
  });
});

describe('publishCompletionEvent', () => {
  beforeEach(() => eventBridge.reset());

  it('publishes nothing and makes no call when the bus name is empty', async () => {
    // Act
    const published = await publish(succeeded, '');
    // Assess
    expect(published).toBe(false);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('publishes the output document as the detail of one event after a success', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    // Act
    const published = await publish(succeeded);
    // Assess
    expect(published).toBe(true);
    expect(eventBridge).toHaveReceivedCommandExactlyOnceWith(PutEventsCommand, {
      Entries: [
        {
          EventBusName: 'ml-ops-bus',
          Source: EVENT_SOURCE,
          DetailType: COMPLETED_DETAIL_TYPE,
          Detail: JSON.stringify(document),
          Resources: [ARN],
        },
      ],
    });
  });

  it('publishes the error, cause and ARN after a named failure', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] });
    // Act
    await publish(failed);
    // Assess
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({ error: 'DrainTimedOut', cause: failedCause, pipelineExecutionArn: ARN });
  });

  it('leaves Resources out when there is no ARN (an invalid input)', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const invalid: GracefulStopState = {
      raw: 42,
      executionId: EXECUTION_ID,
      result: {
        error: 'InvalidInput',
        cause: 'The input is number 42; expected a JSON object.',
        document: { ...document, pipelineExecutionArn: '' },
      },
    };
    // Act
    await publish(invalid);
    // Assess
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toBeDefined();
    expect(entry).not.toHaveProperty('Resources');
  });

  it('throws CompletionEventNotDelivered with EventBridge’s error when the entry failed', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'Not authorized to put events on ml-ops-bus' }],
    });
    // Act
    const publishing = publish(succeeded);
    // Assess
    await expect(publishing).rejects.toMatchObject({
      name: 'CompletionEventNotDelivered',
      message: 'EventBridge did not accept the completion event: AccessDeniedException Not authorized to put events on ml-ops-bus',
    });
  });

  it('throws CompletionEventNotDelivered even when EventBridge gives no entry detail', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1 });
    // Act
    const publishing = publish(succeeded);
    // Assess
    await expect(publishing).rejects.toMatchObject({ name: 'CompletionEventNotDelivered', message: expect.stringContaining('unknown') });
  });

  it('lets an EventBridge service error propagate by name for the ASL Retry', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    // Act
    const publishing = publish(succeeded);
    // Assess
    await expect(publishing).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('throws CompletionEventNotDelivered without calling EventBridge when there is no result', async () => {
    // Act
    const publishing = publish({ raw: {}, executionId: EXECUTION_ID });
    // Assess
    await expect(publishing).rejects.toMatchObject({ name: 'CompletionEventNotDelivered' });
    expect(eventBridge.calls()).toHaveLength(0);
  });
});
