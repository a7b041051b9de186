import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { s3StopRecords, stopDigestOf } from '#stop-records/stop-records.js';
import { endWaits } from '#wake-up/end-waits.logic.js';
import { waitForRunEvents } from '#wake-up/wait-for-run-events.logic.js';
import { ARN, EXECUTION_ID, FakeClock } from '#test/support/fixtures.js';
import { MemoryObjects } from '#test/support/memory-objects.js';
import { runStatusChange } from '#test/support/run-events.js';

const sfn = mockClient(SFNClient);
let objects: MemoryObjects;
const records = () => s3StopRecords(objects);
const deps = () => ({ sfn: new SFNClient({}), stopRecords: records(), clock: new FakeClock() });
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAT'.repeat(10);

async function stopWaitingOnTheRun(stopExecutionArn = EXECUTION_ID): Promise<void> {
  await records().write({ pipelineExecutionArn: ARN, stopExecutionArn, signalled: true, at: '2026-12-02T10:00:00Z' });
  await waitForRunEvents(
    { taskToken: `${TOKEN}${stopExecutionArn.length}`, stopExecutionArn },
    { stopRecords: records(), clock: new FakeClock() },
  );
}

describe('endWaits', () => {
  beforeEach(() => {
    sfn.reset();
    objects = new MemoryObjects();
  });

  it('answers the task token of every stop waiting on the run that ended', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).resolves({});
    await stopWaitingOnTheRun();
    await stopWaitingOnTheRun(`${EXECUTION_ID}-fleet`);

    // Act
    const report = await endWaits(runStatusChange('Stopped'), deps());

    // Assess
    expect(report).toMatchObject({ stops: 2, woken: 2, alreadyEnded: 0, status: 'Stopped' });
    // For a check watching the run from inside its function:
    expect(await records().hasEnded(ARN)).toBe(true);
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 2);
    const output = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}');
    expect(output).toEqual({ wokenBy: 'RunStatusChange', pipelineExecutionArn: ARN, status: 'Stopped' });
  });

  it('changes nothing on a duplicate event: the first took the wait', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).resolves({});
    await stopWaitingOnTheRun();
    await endWaits(runStatusChange('Stopped'), deps());

    // Act
    const again = await endWaits(runStatusChange('Stopped'), deps());

    // Assess
    expect(again).toMatchObject({ stops: 1, woken: 0, alreadyEnded: 1 });
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('counts a token whose wait already timed out into its poll as already ended', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    await stopWaitingOnTheRun();

    // Act
    const report = await endWaits(runStatusChange('Failed'), deps());

    // Assess
    expect(report).toMatchObject({ woken: 0, alreadyEnded: 1 });
  });

  it('wakes nobody for a run no stop of this stack is on, nor for a status that is not an end', async () => {
    // Act
    const unknown = await endWaits(runStatusChange('Stopped'), deps());
    const notAnEnd = await endWaits(runStatusChange('Stopping'), deps());

    // Assess
    expect(unknown).toMatchObject({ stops: 0, woken: 0 });
    expect(await records().hasEnded(ARN)).toBe(false);
    expect(objects.calls.filter(([method]) => method === 'PUT')).toEqual([]);
    expect(notAnEnd).toMatchObject({ stops: 0, woken: 0 });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('refuses an event that is not a SageMaker status change, naming what was expected', async () => {
    // Act
    const wrongSource = endWaits({ ...runStatusChange('Stopped'), source: 'aws.states' }, deps());
    const badStatus = endWaits(runStatusChange('Paused'), deps());

    // Assess
    await expect(wrongSource).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/expected "SageMaker Model Building Pipeline Execution Status Change" from aws.sagemaker/),
    });
    await expect(badStatus).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/currentPipelineExecutionStatus is "Paused"; expected one of Executing/),
    });
  });
});

describe('s3StopRecords.hasEnded', () => {
  it('reads a missing record as not ended, also when S3 answers 403 to a reader without ListBucket', async () => {
    // Prepare
    objects = new MemoryObjects();
    const forbidden = new MemoryObjects();
    forbidden.get = async () => {
      throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    };

    // Act & Assess
    expect(await s3StopRecords(objects).hasEnded(ARN)).toBe(false);
    expect(await s3StopRecords(forbidden).hasEnded(ARN)).toBe(false);
  });
});

describe('waitForRunEvents', () => {
  beforeEach(() => {
    objects = new MemoryObjects();
  });

  it('keeps the newest token of a stop under its digest, not its ARN', async () => {
    // Act
    await waitForRunEvents({ taskToken: 'first', stopExecutionArn: EXECUTION_ID }, { stopRecords: records(), clock: new FakeClock() });
    await waitForRunEvents({ taskToken: 'second', stopExecutionArn: EXECUTION_ID }, { stopRecords: records(), clock: new FakeClock() });

    // Assess
    expect([...objects.objects.keys()]).toEqual([`waits/${stopDigestOf(EXECUTION_ID)}.json`]);
    expect(await records().takeWait(stopDigestOf(EXECUTION_ID))).toMatchObject({ taskToken: 'second' });
  });

  it('throws by name when the token cannot be kept, so the state machine falls back to a plain Wait', async () => {
    // Prepare
    objects.failWith = Object.assign(new Error('S3 is down'), { name: 'ServerErrorResponse' });

    // Act
    const waiting = waitForRunEvents(
      { taskToken: 't', stopExecutionArn: EXECUTION_ID },
      { stopRecords: records(), clock: new FakeClock() },
    );

    // Assess
    await expect(waiting).rejects.toMatchObject({ name: 'ServerErrorResponse' });
  });

  it('refuses an input without a task token or execution id', async () => {
    // Act
    const noToken = waitForRunEvents({ stopExecutionArn: EXECUTION_ID }, { stopRecords: records(), clock: new FakeClock() });
    const noExecution = waitForRunEvents({ taskToken: 't' }, { stopRecords: records(), clock: new FakeClock() });

    // Assess
    await expect(noToken).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringMatching(/expected \$\$\.Task\.Token/) });
    await expect(noExecution).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/expected \$\$\.Execution\.Id/),
    });
  });
});
