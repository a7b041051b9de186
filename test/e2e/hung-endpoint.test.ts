/**
 * A SageMaker endpoint that hangs: the BUILT CLI's local `stop --max-wait 10`
 * ends in the named failure SageMakerUnavailable within the bound the
 * guarantees page states (deadline + 50 s), and the terminal is never silent
 * for longer than one request timeout (a heartbeat line says what it waits for).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { CreatePipelineCommand, SageMakerClient, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_TIMEOUT_MS } from '#commons/clients.js';
import { startLocalCloud } from '#local/cloud.js';
import type { Emulators } from '#local/emulators.js';
import { jobStep } from '#test/support/test-cloud.js';
import { runCli, type CliRun } from '#test/support/cli-process.js';

/** The bound of docs/guarantees.md: the deadline plus one SDK call budget, one ASL retry delay and the report. */
const SLACK_SECONDS = 50;
const MAX_WAIT_SECONDS = 10;
const REGION = 'us-east-1';
const DUMMY = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: REGION, GRACEFUL_STOP_TIME_SCALE: '' };
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/hung/execution/h4ng1ngr00t5';

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

/** Runs the CLI and records when each stderr line arrived. */
async function stopWithTimestamps(args: string[], env: Record<string, string>, onErrorLine?: (line: string) => void) {
  const started = Date.now();
  const stamps: number[] = [];
  const run = await runCli(args, {
    timeoutMs: (MAX_WAIT_SECONDS + SLACK_SECONDS + 20) * 1000,
    env,
    onErrorLine: (line) => {
      stamps.push(Date.now());
      onErrorLine?.(line);
    },
    onSpawn: (child) => children.add(child),
  });
  // Silence is measured once the run speaks (the CLI's start-up, which a busy machine slows, is not a wait)
  // up to its exit: the gaps between lines and after the last one.
  const ends = [...stamps, started + run.wallSeconds * 1000];
  const gaps = ends.slice(1).map((at, index) => at - (ends[index] ?? at));
  return { run, longestSilenceMs: Math.max(...gaps, 0), stamps };
}

const diagnostics = (run: CliRun): string =>
  `exit ${run.exitCode} after ${run.wallSeconds} s\nstderr:\n${run.stderr.slice(-3000)}\nstdout:\n${run.stdout.slice(-2000)}`;

describe('graceful-stop stop against a hung SageMaker endpoint', () => {
  let listener: Server;
  let endpoint: string;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts every connection and never answers.
    listener = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const address = listener.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  });

  it(
    'ends SageMakerUnavailable (exit 1) within the deadline plus the stated slack, with a heartbeat at least every request timeout',
    async () => {
      // Act
      const { run, longestSilenceMs } = await stopWithTimestamps(['stop', ARN, '--max-wait', String(MAX_WAIT_SECONDS)], {
        ...DUMMY,
        AWS_ENDPOINT_URL_SAGEMAKER: endpoint,
      });

      // Assess
      expect(run.exitCode, diagnostics(run)).toBe(1);
      expect(run.stdout, diagnostics(run)).toMatch(
        /^FAILED SageMakerUnavailable: SageMaker gave no usable answer to StopPipelineExecution .*TimeoutError/,
      );
      expect(run.wallSeconds).toBeGreaterThanOrEqual(MAX_WAIT_SECONDS);
      expect(run.wallSeconds).toBeLessThanOrEqual(MAX_WAIT_SECONDS + SLACK_SECONDS);
      expect(run.stderr).toContain('… Stop Pipeline Execution running for');
      expect(longestSilenceMs, diagnostics(run)).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + 1_500);
    },
    (MAX_WAIT_SECONDS + SLACK_SECONDS + 30) * 1000,
  );
});

describe('graceful-stop stop when the simulator hangs in the middle of a drain', () => {
  let stack: Emulators;

  beforeAll(async () => {
    stack = await startLocalCloud({ parts: 'emulators', timeScale: 1 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it(
    'ends SageMakerUnavailable naming DescribePipelineExecution once the deadline has passed',
    async () => {
      // Prepare
      const sagemaker = new SageMakerClient({
        endpoint: stack.endpoints.sagemakerEndpoint,
        region: REGION,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      const definition = {
        Version: '2020-12-01',
        Metadata: {},
        Parameters: [],
        Steps: [jobStep('Train', { DurationSeconds: 600, StopDurationSeconds: 120 })],
      };
      await sagemaker.send(
        new CreatePipelineCommand({
          PipelineName: 'hangs-mid-drain',
          RoleArn: 'arn:aws:iam::123456789012:role/e2e',
          PipelineDefinition: JSON.stringify(definition),
        }),
      );
      const { PipelineExecutionArn: arn = '' } = await sagemaker.send(
        new StartPipelineExecutionCommand({ PipelineName: 'hangs-mid-drain' }),
      );
      sagemaker.destroy();

      // Act: once the stop is requested, every call hangs.
      const { run, longestSilenceMs } = await stopWithTimestamps(
        ['stop', arn, '--max-wait', String(MAX_WAIT_SECONDS)],
        { ...DUMMY, AWS_ENDPOINT_URL_SAGEMAKER: stack.endpoints.sagemakerEndpoint, AWS_ENDPOINT_URL_SQS: stack.endpoints.sqsEndpoint },
        (line) => {
          if (line.startsWith('stop requested')) stack.simulator.faults.set('*', { hang: { nextCalls: 10_000 } });
        },
      );

      // Assess
      expect(run.exitCode, diagnostics(run)).toBe(1);
      expect(run.stdout, diagnostics(run)).toMatch(
        /^FAILED SageMakerUnavailable: SageMaker gave no usable answer to (DescribePipelineExecution|ListPipelineExecutionSteps) /,
      );
      expect(run.wallSeconds).toBeLessThanOrEqual(MAX_WAIT_SECONDS + SLACK_SECONDS);
      expect(longestSilenceMs, diagnostics(run)).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS + 1_500);
      stack.simulator.faults.clear();
    },
    (MAX_WAIT_SECONDS + SLACK_SECONDS + 30) * 1000,
  );
});
