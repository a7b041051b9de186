/**
 * Each pipeline's own limits from its tags, on the local cloud with the BUILT bundles: a run entering
 * Executing beyond its pipeline's graceful-stop:max-concurrent-runs is stopped gracefully (the
 * template's own rule routes SageMaker's event), and the runaway guard's stop-all applies each
 * pipeline's graceful-stop:max-runtime and graceful-stop:exempt. Simulated time runs K times faster.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddTagsCommand,
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { POLICY_TAGS } from '#pipeline-runs/tag-policy.js';
import { waitFor } from '#local/bounded.js';
import { startLocalCloud, type LocalCloud } from '#local/cloud.js';
import type { StopAllSummary } from '#stop-all/model.js';

const K = 20;
const definition = JSON.stringify({
  Version: '2020-12-01',
  Steps: [{ Name: 'Train', Type: 'Training', Arguments: {}, Simulation: { DurationSeconds: 36_000, StopDurationSeconds: 30 } }],
});

describe("pipelines' own limits from their tags", () => {
  let cloud: LocalCloud;
  let sagemaker: SageMakerClient;

  const createPipeline = async (name: string, tags: Array<{ Key: string; Value: string }>): Promise<string> => {
    const { PipelineArn } = await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: name,
        RoleArn: 'arn:aws:iam::123456789012:role/limits',
        PipelineDefinition: definition,
        Tags: tags,
      }),
    );
    return PipelineArn as string;
  };
  const startRun = async (pipeline: string): Promise<string> =>
    (await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipeline, ClientRequestToken: randomUUID() })))
      .PipelineExecutionArn as string;
  const statusOf = async (arn: string): Promise<string> =>
    (await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }))).PipelineExecutionStatus ?? '';

  beforeAll(async () => {
    process.env.GRACEFUL_STOP_TIME_SCALE = String(K);
    cloud = await startLocalCloud({ timeScale: K, pipelineLimits: true });
    sagemaker = new SageMakerClient({
      ...BOUNDED_CLIENT_OPTIONS,
      endpoint: cloud.emulators.endpoints.sagemakerEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }, 60_000);

  afterAll(async () => {
    sagemaker?.destroy();
    await cloud?.close();
  });

  it('stops gracefully the runs beyond a limit of 2 when 4 start, and keeps the 2 oldest', async () => {
    // Prepare
    await createPipeline('limited-training', [{ Key: POLICY_TAGS.maxConcurrentRuns, Value: '2' }]);

    // Act
    const runs: string[] = [];
    for (let index = 0; index < 4; index += 1) runs.push(await startRun('limited-training'));
    const statuses = await waitFor(
      'the two newest runs to be stopped',
      () => Promise.all(runs.map(statusOf)),
      (now) => now.filter((status) => status === 'Stopped').length === 2,
      { timeoutMs: 60_000, intervalMs: 100 },
    );

    // Assess
    expect(statuses).toEqual(['Executing', 'Executing', 'Stopped', 'Stopped']);
    const stops = cloud.stepFunctions.list().filter((execution) => execution.name.startsWith('limit-'));
    expect(stops).toHaveLength(2);
  }, 90_000);

  it('leaves exactly one of two runs started at the same moment under a limit of one', async () => {
    // Prepare
    await createPipeline('single-training', [{ Key: POLICY_TAGS.maxConcurrentRuns, Value: '1' }]);

    // Act
    const runs = await Promise.all([startRun('single-training'), startRun('single-training')]);
    const statuses = await waitFor(
      'one of the two runs to be stopped',
      () => Promise.all(runs.map(statusOf)),
      (now) => now.includes('Stopped'),
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    await new Promise((resolve) => setTimeout(resolve, (60 / K) * 1000));

    // Assess: one stopped, one running, and the second event stopped nothing more.
    expect([...statuses].sort()).toEqual(['Executing', 'Stopped']);
    expect([...(await Promise.all(runs.map(statusOf)))].sort()).toEqual(['Executing', 'Stopped']);
    expect(
      cloud.stepFunctions
        .list()
        .filter((execution) => execution.name.startsWith('limit-') && runs.some((run) => execution.input.includes(run))),
    ).toHaveLength(1);
  }, 90_000);

  it('reads no limit from a pipeline without the tag, and reports a malformed one without stopping anything', async () => {
    // Prepare
    await createPipeline('untagged-training', []);
    await createPipeline('mistagged-training', [{ Key: POLICY_TAGS.maxConcurrentRuns, Value: 'two' }]);

    // Act
    const runs = [await startRun('untagged-training'), await startRun('untagged-training'), await startRun('mistagged-training')];
    await waitFor(
      'every run to be looked at',
      () =>
        cloud.routed.filter(({ deliveries }) => deliveries.some((delivery) => delivery.target === 'LimitConcurrentRunsFunction')).length,
      (looked) => looked >= 9,
      { timeoutMs: 30_000 },
    );

    // Assess
    expect(await Promise.all(runs.map(statusOf))).toEqual(['Executing', 'Executing', 'Executing']);
  }, 60_000);

  it("applies each pipeline's maximum runtime in the runaway guard and leaves an exempt pipeline to explicit stops", async () => {
    // Prepare: runs of 90 simulated seconds; the deployment's guard stops runs older than a day.
    await createPipeline('short-training', [{ Key: POLICY_TAGS.maxRuntime, Value: '1m' }]);
    const exempt = await createPipeline('exempt-training', [{ Key: POLICY_TAGS.exempt, Value: 'true' }]);
    await sagemaker.send(new AddTagsCommand({ ResourceArn: exempt, Tags: [{ Key: POLICY_TAGS.maxRuntime, Value: '1m' }] }));
    const shortRun = await startRun('short-training');
    const exemptRun = await startRun('exempt-training');
    await new Promise((resolve) => setTimeout(resolve, (90 / K) * 1000));

    // Act
    const guard = await cloud.stopAll.run(
      {
        pipelineNamePattern: '*-training',
        olderThanSeconds: 86_400,
        pipelineTags: true,
        reason: 'runaway guard',
        releaseCallbacksAfterSeconds: 60,
      },
      { timeScale: K },
    );
    const explicit = await cloud.stopAll.run({ pipelineName: 'exempt-training', reason: 'explicit stop-all' }, { timeScale: K });

    // Assess
    const summary = guard.output as unknown as StopAllSummary;
    expect(summary.policies).toEqual(
      expect.arrayContaining([
        { pipelineName: 'short-training', decision: 'MaxRuntime', tag: POLICY_TAGS.maxRuntime, value: '60 s' },
        { pipelineName: 'exempt-training', decision: 'Exempt', tag: POLICY_TAGS.exempt, value: 'true' },
      ]),
    );
    expect(await statusOf(shortRun)).toBe('Stopped');
    expect(summary.runs.find((run) => run.pipelineExecutionArn === shortRun)?.reason).toBe(
      'pipeline limit graceful-stop:max-runtime: running longer than 60 s',
    );
    expect((explicit.output as unknown as StopAllSummary).selected).toBe(1);
    expect(await statusOf(exemptRun)).toBe('Stopped');
  }, 120_000);
});
