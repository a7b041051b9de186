import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { gracefulStopNameOf } from '#stop-records/start-graceful-stop.js';
import { s3StopRecords } from '#stop-records/stop-records.js';
import { WATCH_REASON, watchStoppingRun, type WatchSettings } from '#stop-watch/watch-stopping-run.logic.js';
import { ARN, EXECUTION_ID } from '#test/support/fixtures.js';
import { MemoryObjects } from '#test/support/memory-objects.js';
import { runStatusChange } from '#test/support/run-events.js';

const sfn = mockClient(SFNClient);
const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:graceful-stop';
let objects: MemoryObjects;
const settings = (overrides: Partial<WatchSettings> = {}): WatchSettings => ({
  gracefulStopStateMachineArn: STATE_MACHINE,
  pipelineNamePattern: '*',
  graceSeconds: 300,
  defaultMaxWaitSeconds: 900,
  ...overrides,
});
const deps = (overrides: Partial<WatchSettings> = {}) => ({
  sfn: new SFNClient({}),
  stopRecords: s3StopRecords(objects),
  settings: settings(overrides),
});

describe('watchStoppingRun', () => {
  beforeEach(() => {
    sfn.reset();
    objects = new MemoryObjects();
  });

  it('starts a drain-only graceful stop, named after the run, for a run stopped outside this stack', async () => {
    // Prepare
    sfn
      .on(StartExecutionCommand)
      .callsFake((input: { name: string }) => ({ executionArn: `${STATE_MACHINE.replace('stateMachine', 'execution')}:${input.name}` }));

    // Act
    const result = await watchStoppingRun(runStatusChange('Stopping'), deps());

    // Assess
    expect(result).toMatchObject({ watched: true, pipelineExecutionArn: ARN });
    const call = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(call?.name).toBe(gracefulStopNameOf('watch', ARN));
    expect(call?.name).toMatch(/^watch-abc123def456-[0-9a-f]{16}$/);
    expect(JSON.parse(call?.input ?? '{}')).toEqual({
      pipelineExecutionArn: ARN,
      drainOnly: true,
      reason: WATCH_REASON,
      releaseCallbacksAfterSeconds: 300,
      maxWaitSeconds: 900,
    });
  });

  it('leaves a run alone that a stop of this stack is on', async () => {
    // Prepare
    await s3StopRecords(objects).write({
      pipelineExecutionArn: ARN,
      stopExecutionArn: EXECUTION_ID,
      signalled: true,
      at: '2026-12-02T10:00:00Z',
    });

    // Act
    const result = await watchStoppingRun(runStatusChange('Stopping'), deps());

    // Assess
    expect(result).toEqual({ watched: false, pipelineExecutionArn: ARN, why: 'StoppedByThisStack' });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('starts nothing twice: a duplicate event meets the execution of that name', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    // Act
    const result = await watchStoppingRun(runStatusChange('Stopping'), deps());

    // Assess
    expect(result).toMatchObject({ watched: false, why: 'AlreadyWatched' });
  });

  it("keeps to the deployment's pipeline-name pattern, without regard to case (ARNs carry names in lower case)", async () => {
    // Act
    const outside = await watchStoppingRun(runStatusChange('Stopping'), deps({ pipelineNamePattern: 'nightly-*' }));
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'x' });
    const inside = await watchStoppingRun(runStatusChange('Stopping'), deps({ pipelineNamePattern: 'Demo-*' }));

    // Assess
    expect(outside).toMatchObject({ watched: false, why: 'OutsidePipelineNamePattern' });
    expect(inside).toMatchObject({ watched: true });
  });

  it("gives the drain a deadline at least a minute past the watch's grace", async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'x' });

    // Act
    await watchStoppingRun(runStatusChange('Stopping'), deps({ graceSeconds: 1800, defaultMaxWaitSeconds: 900 }));

    // Assess
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}')).toMatchObject({
      releaseCallbacksAfterSeconds: 1800,
      maxWaitSeconds: 1860,
    });
  });

  it('refuses an event of a run that is not entering Stopping', async () => {
    // Act
    const watching = watchStoppingRun(runStatusChange('Stopped', ARN, 'Stopping'), deps());

    // Assess
    await expect(watching).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/expected a run entering Stopping/),
    });
  });
});
