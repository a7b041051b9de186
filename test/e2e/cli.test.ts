/**
 * The BUILT CLI (dist/cli/graceful-stop.mjs, `node scripts/build.mjs`) as a
 * child process: `simulate` prints its endpoints and ends on SIGTERM; `stop`
 * runs the graceful stop on the embedded engine against a simulator started
 * here (AWS_ENDPOINT_URL_SAGEMAKER, dummy credentials) with `--json` or with
 * progress on stderr; usage errors exit 2. Every wait is bounded and every
 * child still running when a test ends is killed.
 */
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { ChildProcess } from 'node:child_process';
import {
  CreatePipelineCommand,
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandUsage } from '#cli/help.js';
import { startLocalCloud } from '#local/cloud.js';
import type { Emulators } from '#local/emulators.js';
import { jobStep, type StepJson } from '#test/support/test-cloud.js';
import { cliDiagnostics, localStackEnv, useCli } from '#test/support/cli-process.js';
import type { OutputDocument } from '#graceful-stop/model.js';
import { waitFor, within } from '#local/bounded.js';

const REGION = 'us-east-1';
const DUMMY_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const ROLE_ARN = 'arn:aws:iam::123456789012:role/cli-e2e-role';
const cli = useCli();
const diagnostics = cliDiagnostics;

describe('graceful-stop simulate', () => {
  it('prints the export lines of its 127.0.0.1 endpoints, answers the plain SDK there, and exits 0 on SIGTERM within 15 s', async () => {
    // Prepare
    const lines: string[] = [];
    let child: ChildProcess | undefined;
    const run = cli(['simulate', '--port', '0'], { onLine: (line) => lines.push(line), onSpawn: (spawned) => (child = spawned) });
    await waitFor(
      'the export lines of simulate',
      () => lines.length,
      (count) => count >= 10,
      { timeoutMs: 30_000 },
    );
    const exported = Object.fromEntries(
      lines
        .map((line) => /^export ([A-Z_]+)=(.*)$/.exec(line))
        .filter((match) => match !== null)
        .map((match) => [match[1], match[2]]),
    );
    const endpoints = {
      sagemakerEndpoint: exported.AWS_ENDPOINT_URL_SAGEMAKER,
      sqsEndpoint: exported.AWS_ENDPOINT_URL_SQS,
      stepFunctionsEndpoint: exported.AWS_ENDPOINT_URL_SFN,
    };
    const sagemaker = new SageMakerClient({
      endpoint: String(endpoints.sagemakerEndpoint),
      region: REGION,
      credentials: DUMMY_CREDENTIALS,
    });
    const sqs = new SQSClient({ endpoint: String(endpoints.sqsEndpoint), region: REGION, credentials: DUMMY_CREDENTIALS });

    // Act
    const unknownPipeline = await sagemaker.send(new ListPipelineExecutionsCommand({ PipelineName: 'no-such-pipeline' })).then(
      () => undefined,
      (error: unknown) => error as Error & { $metadata?: { httpStatusCode?: number } },
    );
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: 'cli-simulate',
        RoleArn: ROLE_ARN,
        PipelineDefinition: JSON.stringify({ Version: '2020-12-01', Metadata: {}, Parameters: [], Steps: [jobStep('Train')] }),
      }),
    );
    const described = await sagemaker.send(new DescribePipelineCommand({ PipelineName: 'cli-simulate' }));
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'cli-simulate' }));
    const sfn = new SFNClient({ endpoint: String(endpoints.stepFunctionsEndpoint), region: REGION, credentials: DUMMY_CREDENTIALS });
    const executions = await sfn.send(new ListExecutionsCommand({ stateMachineArn: exported.GRACEFUL_STOP_STATE_MACHINE_ARN }));
    sagemaker.destroy();
    sqs.destroy();
    sfn.destroy();
    const signalledAt = Date.now();
    child?.kill('SIGTERM');
    const ended = await within('simulate to end after SIGTERM', run, 15_000);
    const secondsToEnd = (Date.now() - signalledAt) / 1000;

    // Assess
    for (const endpoint of Object.values(endpoints)) expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(executions.executions).toEqual([]);
    expect(unknownPipeline?.name).toBe('ResourceNotFound');
    expect(unknownPipeline?.$metadata?.httpStatusCode).toBe(400);
    expect(described).toMatchObject({ PipelineName: 'cli-simulate', PipelineStatus: 'Active' });
    expect(queue.QueueUrl).toMatch(/cli-simulate$/);
    expect(ended.exitCode, diagnostics(ended)).toBe(0);
    expect(ended.signal).toBeNull();
    expect(secondsToEnd).toBeLessThan(15);
    expect(ended.stdout.split('\n').filter(Boolean)).toEqual([
      `export AWS_ENDPOINT_URL_SAGEMAKER=${String(endpoints.sagemakerEndpoint)}`,
      `export AWS_ENDPOINT_URL_SQS=${String(endpoints.sqsEndpoint)}`,
      `export AWS_ENDPOINT_URL_S3=${String(endpoints.sqsEndpoint)}`,
      `export AWS_ENDPOINT_URL_SFN=${String(endpoints.stepFunctionsEndpoint)}`,
      `export AWS_ENDPOINT_URL_EVENTBRIDGE=${String(endpoints.stepFunctionsEndpoint)}`,
      'export AWS_REGION=us-east-1',
      'export AWS_DEFAULT_REGION=us-east-1',
      'export AWS_ACCESS_KEY_ID=local',
      'export AWS_SECRET_ACCESS_KEY=local',
      'export GRACEFUL_STOP_STATE_MACHINE_ARN=arn:aws:states:us-east-1:123456789012:stateMachine:graceful-stop',
      'export GRACEFUL_STOP_STOP_ALL_STATE_MACHINE_ARN=arn:aws:states:us-east-1:123456789012:stateMachine:stop-all',
      'export GRACEFUL_STOP_TIME_SCALE=1',
    ]);
  });
});

describe('graceful-stop simulate on Ctrl-C', () => {
  it('exits 130, as every interrupted command of the CLI', async () => {
    // Prepare
    const lines: string[] = [];
    let child: ChildProcess | undefined;
    const run = cli(['simulate'], { onLine: (line) => lines.push(line), onSpawn: (spawned) => (child = spawned) });
    await waitFor(
      'the export lines of simulate',
      () => lines.length,
      (count) => count >= 12,
      { timeoutMs: 30_000 },
    );

    // Act
    child?.kill('SIGINT');
    const ended = await within('simulate to end after SIGINT', run, 15_000);

    // Assess
    expect(ended.exitCode, diagnostics(ended)).toBe(130);
  });
});

describe('graceful-stop stop (embedded engine against the simulator)', () => {
  let stack: Emulators;
  let sagemaker: SageMakerClient;
  let env: Record<string, string>;
  let pipelineCounter = 0;

  beforeAll(async () => {
    stack = await startLocalCloud({ parts: 'emulators', timeScale: 1 });
    sagemaker = new SageMakerClient({ endpoint: stack.endpoints.sagemakerEndpoint, region: REGION, credentials: DUMMY_CREDENTIALS });
    env = localStackEnv(stack);
  });

  afterAll(async () => {
    sagemaker?.destroy();
    await stack?.close();
  });

  /** A running execution of a new pipeline; resolves once it is Executing. */
  async function runningExecution(label: string, steps: StepJson[]): Promise<string> {
    pipelineCounter += 1;
    const name = `cli-${label}-${pipelineCounter}`;
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: name,
        RoleArn: ROLE_ARN,
        PipelineDefinition: JSON.stringify({ Version: '2020-12-01', Metadata: {}, Parameters: [], Steps: steps }),
      }),
    );
    const { PipelineExecutionArn } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: name }));
    if (!PipelineExecutionArn) throw new Error(`StartPipelineExecution of ${name} returned no ARN.`);
    await waitFor(
      `the execution of ${name} to be Executing`,
      () => sagemaker.send(new ListPipelineExecutionsCommand({ PipelineName: name })),
      (listed) => listed.PipelineExecutionSummaries?.[0]?.PipelineExecutionStatus === 'Executing',
      { timeoutMs: 30_000 },
    );
    return PipelineExecutionArn;
  }

  /** A training step that runs far longer than the test and takes `stopSeconds` to stop once asked. */
  const stoppableTraining = (stopSeconds: number): StepJson[] => [
    jobStep('Train', { DurationSeconds: 600, StopDurationSeconds: stopSeconds }),
  ];
  const SECONDS = String.raw`\d+(?:\.\d+)?s`;

  it('with --json, exits 0 and prints exactly the output document of a run that ends Stopped', async () => {
    // Prepare
    const arn = await runningExecution('json', stoppableTraining(1));

    // Act
    const run = await cli(['stop', arn, '--json', '--max-wait', '60', '--reason', 'e2e: cli --json'], { env });

    // Assess
    expect(run.exitCode, diagnostics(run)).toBe(0);
    const document = JSON.parse(run.stdout) as OutputDocument;
    expect(run.stdout, 'stdout holds the document and nothing else').toBe(`${JSON.stringify(document, null, 2)}\n`);
    expect(document).toMatchObject({
      pipelineExecutionArn: arn,
      outcome: 'Stopped',
      finalStatus: 'Stopped',
      reason: 'e2e: cli --json',
      releasedCallbackSteps: [],
    });
    expect(document.stopRequestedAt).not.toBeNull();
    expect(document.steps).toEqual([expect.objectContaining({ name: 'Train', type: 'TrainingJob', status: 'Stopped' })]);
    expect(run.stderr, 'progress stays on stderr with --json').toContain('stop requested for');
    const described = await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
    expect(described.PipelineExecutionStatus, 'the simulator agrees').toBe('Stopped');
  });

  it("keeps the handlers' logs off stdout even at POWERTOOLS_LOG_LEVEL=DEBUG: stdout is exactly one JSON document", async () => {
    // Prepare
    const arn = await runningExecution('debug', stoppableTraining(1));

    // Act
    const run = await cli(['stop', arn, '--json', '--max-wait', '60'], { env: { ...env, POWERTOOLS_LOG_LEVEL: 'DEBUG' } });

    // Assess
    expect(run.exitCode, diagnostics(run)).toBe(0);
    const document = JSON.parse(run.stdout) as OutputDocument;
    expect(run.stdout).toBe(`${JSON.stringify(document, null, 2)}\n`);
    expect(run.stderr, 'the DEBUG logs went to stderr').toContain('"level": "DEBUG"');
  });

  it('with --json, exits 1 and prints {error, cause} for an execution that does not exist', async () => {
    // Prepare
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/cli-missing/execution/zz9y8x7w6v5u';

    // Act
    const run = await cli(['stop', arn, '--json', '--max-wait', '60'], { env });

    // Assess
    expect(run.exitCode, diagnostics(run)).toBe(1);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(result).sort()).toEqual(['cause', 'error']);
    expect(result.error).toBe('PipelineExecutionNotFound');
    expect(result.cause).toEqual(expect.stringContaining(arn));
  });

  it('without --json, prints plain progress lines on stderr and the human result on stdout', async () => {
    // Prepare
    // Long enough a stop for the first check (right after the stop) to see it draining.
    const arn = await runningExecution('human', stoppableTraining(2));

    // Act
    const run = await cli(['stop', arn, '--max-wait', '60'], { env });

    // Assess
    expect(run.exitCode, diagnostics(run)).toBe(0);
    const progress = run.stderr.trimEnd().split('\n');
    expect(progress[0], diagnostics(run)).toBe(`stop requested for ${arn} (deadline 60s)`);
    expect(
      progress.some((line) => new RegExp(`^status Stopping, waited ${SECONDS}, \\d+ poll\\(s\\), next check in ${SECONDS}$`).test(line)),
      diagnostics(run),
    ).toBe(true);
    expect(
      progress.some((line) => new RegExp(`^ {2}draining: TrainingJob step 'Train' Stopping for ${SECONDS}$`).test(line)),
      diagnostics(run),
    ).toBe(true);
    expect(progress.at(-1), diagnostics(run)).toMatch(new RegExp(`^status Stopped, waited ${SECONDS}, \\d+ poll\\(s\\)$`));
    expect(run.stderr, 'plain lines, not a TTY').not.toContain('\x1b');
    expect(run.stdout).toMatch(
      new RegExp(
        `^outcome Stopped \\(final status Stopped\\) after ${SECONDS} and \\d+ poll\\(s\\)\n {2}TrainingJob step 'Train': Stopped\n$`,
      ),
    );
  });
});

describe('graceful-stop usage errors', () => {
  it('exits 2 for `stop not-an-arn`, with the message and one line pointing at --help on stderr, and nothing on stdout', async () => {
    // Prepare
    const args = ['stop', 'not-an-arn'];

    // Act
    const run = await cli(args);

    // Assess
    expect(run.exitCode, diagnostics(run)).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^<pipelineExecutionArn> "not-an-arn" is not an ARN; expected arn:aws:sagemaker:/);
    expect(lines[1]).toMatch(/^See '.*graceful-stop.* stop --help'\.$/);
    expect(run.stderr).not.toContain(commandUsage('stop'));
  });

  it('exits 2 for `demo --scenario nope`, naming the known scenarios', async () => {
    // Prepare
    const args = ['demo', '--scenario', 'nope'];

    // Act
    const run = await cli(args);

    // Assess
    expect(run.exitCode, diagnostics(run)).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^--scenario is "nope"; expected one of callback-and-lambda, /);
  });
});

describe('graceful-stop as an installed command', () => {
  it('is executable after a build, so npx graceful-stop runs it, and prints its version', async () => {
    // Prepare
    const { statSync, readFileSync } = await import('node:fs');
    const { cliPath } = await import('#test/support/cli-process.js');
    const { execFile } = await import('node:child_process');
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

    // Act
    const mode = statSync(cliPath).mode;
    const printed = await new Promise<string>((resolve, reject) =>
      execFile(cliPath, ['--version'], { timeout: 30_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );

    // Assess
    expect(mode & 0o111, 'execute bits').toBe(0o111);
    expect(printed).toBe(`graceful-stop ${version}\n`);
  });
});
