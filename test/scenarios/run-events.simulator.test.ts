/**
 * Every stop graceful, whoever asked for it: SageMaker's and Step Functions' own events on the
 * local cloud (local/cloud.ts), routed by template.yaml's rules to the stop watch, the orphan guard
 * and the wake-up, with the BUILT bundles against the simulator. Simulated time runs K times faster
 * everywhere.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { gracefulStopNameOf } from '#stop-records/start-graceful-stop.js';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import type { OutputDocument } from '#graceful-stop/model.js';
import { waitFor } from '#local/bounded.js';
import { startLocalCloud, type LocalCloud } from '#local/cloud.js';
import { sagemakerSdkTasks } from '#local/engine/aws-sdk-tasks.js';
import { LocalStateMachine } from '#local/engine/runner.js';
import type { LocalExecution } from '#local/engine/step-functions.js';
import { createQueue } from '#local/sqs/emulator.js';
import { projectRoot } from '#local/engine/paths.js';
import { section, shellArguments } from '#test/support/doc-examples.js';

const K = 20;
const WATCH_GRACE_SECONDS = 60;
const TRAINING = 'training-pipeline';
const APPROVAL = 'approval-pipeline';
/** Runs whose end events this local cloud loses (EventBridge delivers best effort). */
const losing = new Set<string>();

const trainingDefinition = JSON.stringify({
  Version: '2020-12-01',
  Steps: [{ Name: 'Train', Type: 'Training', Arguments: {}, Simulation: { DurationSeconds: 36_000, StopDurationSeconds: 30 } }],
});
const approvalDefinition = (queueUrl: string): string =>
  JSON.stringify({
    Version: '2020-12-01',
    Steps: [{ Name: 'AwaitApproval', Type: 'Callback', Arguments: {}, SqsQueueUrl: queueUrl, OutputParameters: [] }],
  });

describe('run events on the local cloud: the stop watch, the orphan guard and the wake-up', () => {
  let cloud: LocalCloud;
  let sagemaker: SageMakerClient;
  /** StopPipelineExecution calls the simulator answered, by anyone. */
  let stopCalls = 0;

  const startRun = async (pipeline: string): Promise<string> => {
    const { PipelineExecutionArn } = await sagemaker.send(
      new StartPipelineExecutionCommand({ PipelineName: pipeline, ClientRequestToken: randomUUID() }),
    );
    return PipelineExecutionArn as string;
  };
  const statusOf = async (arn: string): Promise<string | undefined> =>
    (await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }))).PipelineExecutionStatus;
  const whenStepRuns = (arn: string, step: string): Promise<unknown> =>
    waitFor(
      `${step} to run`,
      async () => (await sagemaker.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn }))).PipelineExecutionSteps ?? [],
      (steps) => steps.some((candidate) => candidate.StepName === step && candidate.StepStatus === 'Executing'),
    );
  const execution = (name: string): Promise<LocalExecution> =>
    waitFor(
      `execution ${name}`,
      async () => cloud.stepFunctions.list().find((candidate) => candidate.name === name),
      (found) => found !== undefined,
    ) as Promise<LocalExecution>;
  const deliveriesTo = (target: string, arn: string, status: string) =>
    cloud.routed
      .filter(({ event }) => event.detail.pipelineExecutionArn === arn && event.detail.currentPipelineExecutionStatus === status)
      .flatMap(({ deliveries }) => deliveries.filter((delivery) => delivery.target === target));

  beforeAll(async () => {
    // Read by the bundles at import: their clock runs K times faster, like the simulator's.
    process.env.GRACEFUL_STOP_TIME_SCALE = String(K);
    const parent = readFileSync(join(projectRoot, 'test', 'scenarios', 'training-parent.asl.json'), 'utf8');
    cloud = await startLocalCloud({
      timeScale: K,
      retryIntervalMs: 20,
      stopWatch: { graceSeconds: WATCH_GRACE_SECONDS },
      orphanGuard: { stateMachinePattern: 'training-*' },
      loses: (event) =>
        losing.has(String(event.detail.pipelineExecutionArn)) &&
        ['Stopped', 'Failed', 'Succeeded'].includes(String(event.detail.currentPipelineExecutionStatus)),
      machines: () => [
        new LocalStateMachine(parent, {
          stateMachineName: 'training-parent',
          substitutions: {},
          lambdaHandlers: {},
          resourceHandlers: sagemakerSdkTasks(['startPipelineExecution']),
        }),
      ],
    });
    cloud.emulators.simulator.observeCalls((operation) => {
      if (operation === 'StopPipelineExecution') stopCalls += 1;
    });
    sagemaker = new SageMakerClient({ ...BOUNDED_CLIENT_OPTIONS, endpoint: cloud.emulators.endpoints.sagemakerEndpoint });
    // A callback queue nobody consumes: its steps ignore the Stopping message.
    const silentQueue = await createQueue(cloud.emulators.endpoints.sqsEndpoint, 'silent-callbacks');
    for (const [name, definition] of [
      [TRAINING, trainingDefinition],
      [APPROVAL, approvalDefinition(silentQueue)],
    ] as const) {
      await sagemaker.send(
        new CreatePipelineCommand({
          PipelineName: name,
          PipelineDefinition: definition,
          RoleArn: 'arn:aws:iam::123456789012:role/pipelines',
          ClientRequestToken: randomUUID(),
        }),
      );
    }
  });

  afterAll(async () => {
    await cloud?.close();
  });

  it("drains a run stopped with boto3 whose callback consumer is silent: Stopped after the watch's grace, with a completion event", async () => {
    // Prepare
    const arn = await startRun(APPROVAL);
    await whenStepRuns(arn, 'AwaitApproval');
    const stopsBefore = stopCalls;

    // Act: another client, another language - boto3 - stops the run
    // Asynchronously: the simulator answering it runs in this process.
    await promisify(execFile)(
      'python3',
      [
        '-c',
        'import sys, boto3; boto3.client("sagemaker", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="local", aws_secret_access_key="local").stop_pipeline_execution(PipelineExecutionArn=sys.argv[2], ClientRequestToken="boto3-stop-0000000000000000000000000000")',
        cloud.emulators.endpoints.sagemakerEndpoint,
        arn,
      ],
      { timeout: 60_000 },
    );
    const watch = await execution(gracefulStopNameOf('watch', arn));
    const result = await watch.done;

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as OutputDocument;
    expect(output).toMatchObject({ pipelineExecutionArn: arn, outcome: 'Stopped', finalStatus: 'Stopped' });
    expect(output.releasedCallbackSteps.map((step) => step.stepName)).toEqual(['AwaitApproval']);
    expect(output.waitedSeconds).toBeGreaterThanOrEqual(WATCH_GRACE_SECONDS);
    // boto3's stop, and no second one: the watch drains with it.
    expect(stopCalls - stopsBefore).toBe(1);
    const completion = await waitFor(
      'the completion event',
      async () =>
        cloud.routed.find(({ event }) => event['detail-type'] === 'Graceful Stop Completed' && event.detail.pipelineExecutionArn === arn),
      (found) => found !== undefined,
    );
    expect(completion?.event.detail).toMatchObject({ outcome: 'Stopped', pipelineExecutionArn: arn });
  });

  it("does not watch a run that this stack's own graceful stop stopped", async () => {
    // Prepare
    const arn = await startRun(TRAINING);
    await whenStepRuns(arn, 'Train');

    // Act
    const ours = cloud.stepFunctions.startExecution({
      stateMachineArn: cloud.gracefulStop.arn,
      input: JSON.stringify({ pipelineExecutionArn: arn }),
    });
    const result = await ours.done;

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const [watched] = await waitFor(
      'the Stopping event to reach the watch',
      async () => deliveriesTo('WatchStoppingRunFunction', arn, 'Stopping'),
      (found) => found.length > 0,
    );
    expect(await watched?.result).toEqual({ ok: true, value: { watched: false, pipelineExecutionArn: arn, why: 'StoppedByThisStack' } });
    expect(cloud.stepFunctions.list().map((candidate) => candidate.name)).not.toContain(gracefulStopNameOf('watch', arn));
  });

  it('stops the run of a parent workflow aborted on the local engine, naming the parent', async () => {
    // Prepare
    const parent = cloud.stepFunctions.startExecution({
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:training-parent',
      name: 'nightly-42',
      input: JSON.stringify({ pipelineName: TRAINING }),
    });
    const started = await waitFor(
      'the parent to start its run',
      async () => parent.history.find((event) => event.type === 'TaskSucceeded'),
      (found) => found !== undefined,
    );
    const arn = (JSON.parse(started?.taskSucceededEventDetails?.output ?? '{}') as { PipelineExecutionArn: string }).PipelineExecutionArn;
    await whenStepRuns(arn, 'Train');

    // Act
    cloud.stepFunctions.stopExecution(parent.executionArn);
    const orphan = await execution(gracefulStopNameOf('orphan', arn));
    const result = await orphan.done;

    // Assess
    expect((await parent.done).status).toBe('ABORTED');
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ outcome: 'Stopped', reason: `Its parent workflow ended ABORTED: ${parent.executionArn}` });
    expect(await statusOf(arn)).toBe('Stopped');
  });

  it("still ends in time by polling when the run's end event is lost", async () => {
    // Prepare
    const arn = await startRun(TRAINING);
    losing.add(arn);
    await whenStepRuns(arn, 'Train');

    // Act
    const stop = cloud.stepFunctions.startExecution({
      stateMachineArn: cloud.gracefulStop.arn,
      input: JSON.stringify({ pipelineExecutionArn: arn }),
    });
    const result = await stop.done;

    // Assess: Stopped, seen by a poll (no end event reached the bus), long before the 900 s deadline
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ outcome: 'Stopped' });
    expect(deliveriesTo('EndWaitsFunction', arn, 'Stopped')).toEqual([]);
    expect(
      cloud.routed.some(
        ({ event }) => event.detail.pipelineExecutionArn === arn && event.detail.currentPipelineExecutionStatus === 'Stopped',
      ),
    ).toBe(true);
    expect((result.output as OutputDocument).waitedSeconds).toBeLessThan(900);
  });

  it("starts a graceful stop from the Graceful Stop Requested event another orchestrator's kill hook puts (docs/starting.md)", async () => {
    // Prepare: the docs' command, run with the AWS CLI against the local EventBridge API
    const [entries = ''] = shellArguments(section('Other orchestrators'), '--entries');
    const documented = JSON.parse(JSON.parse(entries)[0].Detail) as { pipelineExecutionArn: string; reason: string };

    // Act
    const { stdout } = await promisify(execFile)('aws', ['events', 'put-events', '--entries', entries], {
      timeout: 60_000,
      env: {
        ...process.env,
        AWS_ENDPOINT_URL_EVENTBRIDGE: cloud.api.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
    });
    const started = await waitFor(
      'the requested stop',
      async () => cloud.stepFunctions.list().find((candidate) => candidate.input.includes(documented.reason)),
      (found) => found !== undefined,
    );
    const result = await started!.done;

    // Assess: the documented run does not exist here: the stop names it
    expect(JSON.parse(stdout)).toMatchObject({ FailedEntryCount: 0 });
    expect(JSON.parse(started!.input)).toEqual(JSON.parse(JSON.parse(entries)[0].Detail));
    expect(result).toMatchObject({ status: 'FAILED', error: 'PipelineExecutionNotFound' });
    expect(result.cause).toContain(documented.pipelineExecutionArn);
  });

  it("wakes a stop-all's sleep when a run of its fleet ends, instead of at the next sweep", async () => {
    // Prepare: a run of its own pipeline, so the fleet is this one run
    const pipeline = 'fleet-of-one';
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: pipeline,
        PipelineDefinition: trainingDefinition,
        RoleArn: 'arn:aws:iam::123456789012:role/pipelines',
        ClientRequestToken: randomUUID(),
      }),
    );
    const arn = await startRun(pipeline);
    await whenStepRuns(arn, 'Train');

    // Act
    const stopAll = cloud.stepFunctions.startExecution({
      stateMachineArn: cloud.stopAll.arn,
      input: JSON.stringify({ pipelineNames: [pipeline] }),
    });
    const result = await stopAll.done;

    // Assess: the 30 s drain ends inside a 25 s sleep, and the run's end event answers its token
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ signalled: 1, finalStatuses: { Stopped: 1 } });
    const woken = stopAll.history.filter(
      (event) => event.type === 'TaskSucceeded' && event.taskSucceededEventDetails?.resource === 'invoke.waitForTaskToken',
    );
    expect(woken.map((event) => JSON.parse(event.taskSucceededEventDetails?.output ?? '{}'))).toContainEqual({
      wokenBy: 'RunStatusChange',
      pipelineExecutionArn: arn,
      status: 'Stopped',
    });
  });

  it('starts nothing twice when an event comes twice', async () => {
    // Prepare: a run someone else stops, and its Stopping event delivered a second time
    const arn = await startRun(APPROVAL);
    await whenStepRuns(arn, 'AwaitApproval');
    const stopsBefore = stopCalls;
    await sagemaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: randomUUID() }));
    const [first] = await waitFor(
      'the Stopping event',
      async () =>
        cloud.routed.filter(
          ({ event }) => event.detail.pipelineExecutionArn === arn && event.detail.currentPipelineExecutionStatus === 'Stopping',
        ),
      (found) => found.length > 0,
    );

    // Act
    const again = cloud.put(structuredClone(first!.event));
    const watch = await execution(gracefulStopNameOf('watch', arn));
    await watch.done;
    const duplicateEnd = cloud.routed.find(
      ({ event }) => event.detail.pipelineExecutionArn === arn && event.detail.currentPipelineExecutionStatus === 'Stopped',
    );
    const endAgain = cloud.put(structuredClone(duplicateEnd!.event));

    // Assess
    await Promise.all([...again, ...endAgain].map((delivery) => delivery.result));
    expect(cloud.stepFunctions.list().filter((candidate) => candidate.name.includes(arn.split('/').at(-1) ?? '?'))).toHaveLength(1);
    expect(stopCalls - stopsBefore).toBe(1);
    const wake = await endAgain.find((delivery) => delivery.target === 'EndWaitsFunction')?.result;
    expect(wake).toMatchObject({ ok: true, value: { woken: 0 } });
  });
});
