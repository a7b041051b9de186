/**
 * The runaway guard's stop-all, on the embedded engine with the BUILT bundles
 * against the simulator: selection by pattern and by list, the age filter, a
 * dry run that stops nothing, a pattern outside the deployment's scope, and
 * 500 runs in one fleet (the state carries counts only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  ListPipelineExecutionsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  type PipelineExecutionStatus,
} from '@aws-sdk/client-sagemaker';
import type { LocalStateMachine } from '#local/engine/runner.js';

import { startLocalCloud, type LocalCloud } from '#local/cloud.js';
import type { Emulators } from '#local/emulators.js';
import type { StopAllSummary } from '#stop-all/model.js';
import { pathOf } from '#test/support/run-path.js';

const K = 20;
const RUN = { timeScale: K, retryIntervalMs: 20 };
/** A training step that runs for hours and stops at once when asked. */
const DEFINITION = JSON.stringify({
  Version: '2020-12-01',
  Metadata: {},
  Parameters: [],
  Steps: [{ Name: 'Train', Type: 'Training', Arguments: {}, Simulation: { DurationSeconds: 36_000, StopDurationSeconds: 0 } }],
});

describe('stop-all by policy on the embedded engine against the simulator', () => {
  let cloud: LocalCloud;
  let stack: Emulators;
  let sagemaker: SageMakerClient;
  let stopAll: LocalStateMachine;

  beforeAll(async () => {
    // 500 runs at once: an account whose quota was raised (SageMaker's default is 20).
    process.env.GRACEFUL_STOP_TIME_SCALE = String(K);
    // The deployment's scope, as template.yaml passes PipelineNamePattern.
    process.env.PIPELINE_NAME_PATTERN = 'training-*';
    cloud = await startLocalCloud({ timeScale: K, concurrentExecutionLimit: 1_000, events: false });
    stack = cloud.emulators;
    stopAll = cloud.stopAll;
    sagemaker = new SageMakerClient({ endpoint: stack.endpoints.sagemakerEndpoint, region: 'us-east-1' });
  });

  afterAll(async () => {
    sagemaker?.destroy();
    await cloud?.close();
  });

  async function pipelineWithRuns(name: string, runs: number): Promise<string[]> {
    await sagemaker.send(
      new CreatePipelineCommand({ PipelineName: name, RoleArn: 'arn:aws:iam::123456789012:role/pipeline', PipelineDefinition: DEFINITION }),
    );
    const arns: string[] = [];
    for (let index = 0; index < runs; index += 1) {
      const { PipelineExecutionArn } = await sagemaker.send(
        new StartPipelineExecutionCommand({
          PipelineName: name,
          ClientRequestToken: `${name}-run-${String(index).padStart(4, '0')}`.padEnd(32, 'x'),
        }),
      );
      arns.push(PipelineExecutionArn ?? '');
    }
    return arns;
  }

  async function statusesOf(name: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    let nextToken: string | undefined;
    do {
      const page = await sagemaker.send(
        new ListPipelineExecutionsCommand({ PipelineName: name, MaxResults: 100, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
      for (const summary of page.PipelineExecutionSummaries ?? []) {
        const status = summary.PipelineExecutionStatus as PipelineExecutionStatus;
        counts[status] = (counts[status] ?? 0) + 1;
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return counts;
  }

  it('rejects a pattern outside the deployment scope before any SageMaker call', async () => {
    // Prepare
    const before = stack.simulator.stats().callsByOperation;

    // Act
    const result = await stopAll.run({ pipelineNamePattern: '*' }, RUN);

    // Assess
    expect(result.error).toBe('InvalidInput');
    expect(result.cause).toMatch(/^pipelineNamePattern "\*" reaches beyond this deployment's PipelineNamePattern "training-\*"/);
    expect(stack.simulator.stats().callsByOperation).toEqual(before);
  });

  it('selects by list and by age: only the named pipelines, only runs old enough', async () => {
    // Prepare
    const [oldA = ''] = await pipelineWithRuns('training-list-a', 1);
    await pipelineWithRuns('training-list-b', 1);
    // Ages are read on the deployment's clock, K times faster: 3 s here are 60 simulated seconds.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const [youngA = ''] = await pipelineWithRuns('training-list-c', 1);

    // Act: the young run is listed well within 1.5 real seconds of its start (30 simulated seconds).
    const result = await stopAll.run({ pipelineNames: ['training-list-a', 'training-list-c'], olderThanSeconds: 30 }, RUN);

    // Assess
    const summary = result.output as StopAllSummary;
    expect(result.status, result.cause).toBe('SUCCEEDED');
    expect(summary).toMatchObject({ pipelines: 2, selected: 1, signalled: 1, succeeded: 1, tooRecent: 1 });
    expect(summary.runs.map((run) => run.pipelineExecutionArn)).toEqual([oldA]);
    expect(await statusesOf('training-list-b')).toEqual({ Executing: 1 });
    expect(await statusesOf('training-list-c')).toEqual({ Executing: 1 });
    expect(youngA).toContain('training-list-c');
  });

  it('handles 500 running executions of a pattern in one fleet: a dry run stops none, the real run stops all of them and nothing else', async () => {
    // Prepare
    for (let pipeline = 0; pipeline < 5; pipeline += 1) await pipelineWithRuns(`training-bulk-${pipeline}`, 100);
    await pipelineWithRuns('scoring-bulk', 3);

    // Act
    const dryRun = await stopAll.run({ pipelineNamePattern: 'training-bulk-*', dryRun: true }, RUN);
    const afterDryRun = await statusesOf('training-bulk-0');
    const started = Date.now();
    const real = await stopAll.run(
      { pipelineNamePattern: 'training-bulk-*', signalRatePerSecond: 50, reason: 'runaway guard: older than the limit' },
      RUN,
    );
    const wallSeconds = (Date.now() - started) / 1000;
    console.log(`[measurement] stop-all of 500 running executions on the embedded engine: ${wallSeconds.toFixed(1)} s`);

    // Assess
    const dry = dryRun.output as StopAllSummary;
    expect(dryRun.status, dryRun.cause).toBe('SUCCEEDED');
    expect(dry).toMatchObject({ dryRun: true, pipelines: 5, signalled: 0, wouldStopCount: 500 });
    expect(dry.byPipeline).toEqual(
      [0, 1, 2, 3, 4].map((pipeline) => ({ pipelineName: `training-bulk-${pipeline}`, executing: 100, stopping: 0 })),
    );
    expect(dry.wouldStop).toHaveLength(100);
    expect(dry.wouldStop[0]).toEqual(
      expect.objectContaining({
        pipelineName: expect.stringMatching(/^training-bulk-\d$/),
        status: 'Executing',
        ageSeconds: expect.any(Number),
      }),
    );
    expect(pathOf(dryRun)).not.toContain('Signal And Sweep');
    expect(dry.ledger).toMatch(/^s3:\/\/graceful-stop-fleet-ledgers\/stop-all\/.+\/ledger\.json$/);
    expect(afterDryRun).toEqual({ Executing: 100 });

    const summary = real.output as StopAllSummary;
    expect(real.status, real.cause).toBe('SUCCEEDED');
    expect(summary).toMatchObject({
      pipelines: 5,
      selected: 500,
      signalled: 500,
      takenIn: 0,
      succeeded: 500,
      failed: 0,
      omitted: 0,
      outcomes: { Stopped: 500 },
      runsOmitted: 400,
    });
    expect(summary.runs).toHaveLength(100);
    expect(summary.sageMakerCalls.StopPipelineExecution).toBe(500);
    expect(pathOf(real).filter((state) => state === 'List Running Executions')).toHaveLength(1);
    for (let pipeline = 0; pipeline < 5; pipeline += 1) expect(await statusesOf(`training-bulk-${pipeline}`)).toEqual({ Stopped: 100 });
    expect(await statusesOf('scoring-bulk')).toEqual({ Executing: 3 });
    // The state carries counts, not runs: the largest payload is the report (100 runs listed), far below 256 KB.
    const payloads = real.events.map((event) => JSON.stringify(event.state?.output ?? event.state?.input ?? '').length);
    expect(Math.max(...payloads)).toBeLessThan(64 * 1024);
  }, 240_000);
});
