/**
 * The embedded metric format the BUILT functions write, parsed from real
 * local runs of every outcome: each graceful stop emits exactly one
 * GracefulStops count with its outcome, and the drain metrics with the
 * service dimension only. The console is routed before the bundles load,
 * as the CLI does (local/engine/function-output.ts).
 */
import {
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC } from '#commons/metrics.js';
import { routeFunctionOutput, type EmfDocument } from '#local/engine/function-output.js';

import type { LocalStateMachine } from '#local/engine/runner.js';
import { startLocalCloud, type LocalCloud } from '#local/cloud.js';
import type { Emulators } from '#local/emulators.js';
import { readTemplate } from '#local/template.js';

const K = 20;
const documents: EmfDocument[] = [];
const NAMESPACE = String(readTemplate().Parameters?.MetricsNamespace?.Default);
let cloud: LocalCloud;
let stack: Emulators;
let sagemaker: SageMakerClient;
let machine: LocalStateMachine;
let restore: () => void;
let counter = 0;

beforeAll(async () => {
  restore = routeFunctionOutput({ onMetrics: (document) => documents.push(document), onLog: () => undefined });
  process.env.GRACEFUL_STOP_TIME_SCALE = String(K);
  cloud = await startLocalCloud({ timeScale: K, events: false });
  stack = cloud.emulators;
  machine = cloud.gracefulStop;
  sagemaker = new SageMakerClient({ endpoint: stack.endpoints.sagemakerEndpoint, region: 'us-east-1' });
});

afterAll(async () => {
  restore?.();
  sagemaker?.destroy();
  await cloud?.close();
});

async function execution(simulation: Record<string, unknown>): Promise<string> {
  counter += 1;
  const name = `emf-${counter}`;
  const definition = {
    Version: '2020-12-01',
    Metadata: {},
    Parameters: [],
    Steps: [{ Name: 'Train', Type: 'Training', Arguments: {}, Simulation: simulation }],
  };
  await sagemaker.send(
    new CreatePipelineCommand({
      PipelineName: name,
      RoleArn: 'arn:aws:iam::123456789012:role/emf',
      PipelineDefinition: JSON.stringify(definition),
    }),
  );
  const { PipelineExecutionArn = '' } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: name }));
  return PipelineExecutionArn;
}

async function until(arn: string, status: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { PipelineExecutionStatus } = await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
    if (PipelineExecutionStatus === status) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${arn} did not become ${status} within 10 s`);
}

/** The metric documents one run wrote, and the outcome documents among them. */
async function metricsOf(input: unknown): Promise<{ all: EmfDocument[]; outcomes: string[] }> {
  const from = documents.length;
  await machine.run(input, { timeScale: K, retryIntervalMs: 20 });
  const all = documents.slice(from);
  const outcomes = all.filter((document) => METRIC.gracefulStops in document).map((document) => String(document.outcome));
  return { all, outcomes };
}

const metricNames = (document: EmfDocument): string[] =>
  document._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((metric) => metric.Name));

describe('embedded metric format from local runs', () => {
  it.each([
    ['Stopped', async () => ({ pipelineExecutionArn: await execution({ DurationSeconds: 3_600, StopDurationSeconds: 10 }) })],
    [
      'AlreadyStopped',
      async () => {
        const arn = await execution({ DurationSeconds: 3_600, StopDurationSeconds: 0 });
        await sagemaker.send(
          new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: `someone-else-${counter}`.padEnd(32, '0') }),
        );
        await until(arn, 'Stopped');
        return { pipelineExecutionArn: arn };
      },
    ],
    [
      'CompletedBeforeStop',
      async () => {
        const arn = await execution({ DurationSeconds: 1 });
        await until(arn, 'Succeeded');
        return { pipelineExecutionArn: arn };
      },
    ],
    [
      'AlreadyFailed',
      async () => {
        const arn = await execution({ DurationSeconds: 1, Outcome: 'Failed', FailureReason: 'out of memory' });
        await until(arn, 'Failed');
        return { pipelineExecutionArn: arn };
      },
    ],
    [
      'DrainTimedOut',
      async () => ({ pipelineExecutionArn: await execution({ DurationSeconds: 3_600, StopDurationSeconds: 600 }), maxWaitSeconds: 20 }),
    ],
    [
      'PipelineExecutionNotFound',
      async () => ({ pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/emf-missing/execution/m1ss1ngr00ta' }),
    ],
    ['InvalidInput', async () => ({ pipelineExecutionArn: 'not-an-arn' })],
  ])('writes one GracefulStops count with outcome %s, in the namespace of template.yaml', async (outcome, input) => {
    // Act
    const { all, outcomes } = await metricsOf(await input());

    // Assess
    expect(outcomes).toEqual([outcome]);
    for (const document of all) {
      for (const directive of document._aws.CloudWatchMetrics) {
        expect(directive.Namespace).toBe(NAMESPACE);
        for (const dimensions of directive.Dimensions) expect(dimensions.every((name) => ['service', 'outcome'].includes(name))).toBe(true);
      }
      expect(document.service).toBe('sagemaker-pipelines-graceful-stop');
    }
    const names = all.flatMap(metricNames);
    if (outcome !== 'InvalidInput' && outcome !== 'PipelineExecutionNotFound') {
      expect(names).toEqual(expect.arrayContaining([METRIC.drainSeconds, METRIC.polls, METRIC.callbackStepsReleased]));
    }
    if (outcome === 'DrainTimedOut' || outcome === 'Stopped') expect(names).toContain(METRIC.oldestDrainSeconds);
  });
});
