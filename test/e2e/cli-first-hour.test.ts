/**
 * The BUILT CLI in the small things a new user meets in the first hour: a port in use, a seeded
 * run's real duration, the live status during a long drain, the run's own region, a missing
 * credential. Each run is a child process, bounded; every child still running when a test ends is killed.
 */
import type { ChildProcess } from 'node:child_process';
import {
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { createQueue } from '#local/sqs/emulator.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud } from '#local/cloud.js';
import type { Emulators } from '#local/emulators.js';
import { waitFor, within } from '#local/bounded.js';
import { callbackStep, jobStep } from '#test/support/test-cloud.js';
import { cliDiagnostics as diagnostics, localStackEnv, useCli } from '#test/support/cli-process.js';

const REGION = 'us-east-1';
const DUMMY_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const ROLE_ARN = 'arn:aws:iam::123456789012:role/cli-e2e-role';
const cli = useCli();

describe('graceful-stop simulate, the small things', () => {
  it.each([['--port'], ['--sqs-port']])('names %s when its port is in use, as a usage error', async (flag) => {
    // Prepare: a port another process holds.
    const { createServer } = await import('node:net');
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    // Act
    const run = await cli(['simulate', flag, String(port)]);
    await new Promise<void>((resolve) => holder.close(() => resolve()));

    // Assess
    expect(run.exitCode, diagnostics(run)).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`^${flag} ${port} is in use on 127\\.0\\.0\\.1 by another process; expected a free port, or 0 for any\\.`),
    );
    expect(run.stdout).toBe('');
  });

  it('says how long the seeded run lasts in real time at the chosen time scale', async () => {
    // Prepare
    let child: ChildProcess | undefined;
    const errors: string[] = [];
    const run = cli(['simulate', '--with-run', 'lambda', '--time-scale', '10'], {
      onErrorLine: (line) => errors.push(line),
      onSpawn: (spawned) => (child = spawned),
    });

    // Act
    await waitFor(
      'the seeded run to be announced',
      () => errors.join('\n'),
      (text) => text.includes('started '),
      { timeoutMs: 30_000 },
    );
    child?.kill('SIGTERM');
    const ended = await within('simulate to end after SIGTERM', run, 15_000);

    // Assess
    expect(ended.exitCode, diagnostics(ended)).toBe(0);
    expect(ended.stderr).toContain(
      'started a Lambda step that cannot be interrupted and runs for another 30 simulated s (3 s of real time at time scale 10):',
    );
  });
});

describe('graceful-stop stop during a long drain, with the deployed watch', () => {
  let stack: Emulators;
  let sagemaker: SageMakerClient;

  beforeAll(async () => {
    stack = await startLocalCloud({ parts: 'emulators', timeScale: 1 });
    sagemaker = new SageMakerClient({ endpoint: stack.endpoints.sagemakerEndpoint, region: REGION, credentials: DUMMY_CREDENTIALS });
  });
  afterAll(async () => {
    sagemaker?.destroy();
    await stack?.close();
  });

  it('shows the live status and the draining step at least every 5 s while one check watches, never the hung-endpoint line', async () => {
    // Prepare: one check watches the whole 12 s drain (WATCH_SECONDS as deployed, 240 s).
    const definition = {
      Version: '2020-12-01',
      Metadata: {},
      Parameters: [],
      Steps: [jobStep('Train', { DurationSeconds: 600, StopDurationSeconds: 12 })],
    };
    await sagemaker.send(
      new CreatePipelineCommand({ PipelineName: 'cli-long-drain', RoleArn: ROLE_ARN, PipelineDefinition: JSON.stringify(definition) }),
    );
    const { PipelineExecutionArn: arn = '' } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: 'cli-long-drain' }));
    const stamps: { at: number; line: string }[] = [];

    // Act
    const run = await cli(['stop', arn, '--max-wait', '120'], {
      env: { ...localStackEnv(stack), WATCH_SECONDS: '240' },
      onErrorLine: (line) => stamps.push({ at: Date.now(), line }),
    });

    // Assess
    expect(run.exitCode, diagnostics(run)).toBe(0);
    const looks = stamps.filter(({ line }) => /^status Stopping, \d+s since the stop \(the CLI's own look\)$/.test(line));
    expect(looks.length, diagnostics(run)).toBeGreaterThanOrEqual(2);
    expect(run.stderr).toMatch(/ {2}draining: TrainingJob step 'Train' Stopping for \d+s/);
    expect(run.stderr, 'a slow drain must not read like a hung endpoint').not.toContain(
      'waiting for SageMaker to answer DescribePipelineExecution',
    );
    expect(run.stdout).toMatch(/^outcome Stopped /);
  });
});

describe("graceful-stop stop in the run's own region", () => {
  it.each([
    ['eu-central-1', 'arn:aws:sagemaker:eu-central-1:123456789012:pipeline/p/execution/abc123'],
    ['cn-north-1', 'arn:aws-cn:sagemaker:cn-north-1:123456789012:pipeline/p/execution/abc123'],
  ])("signs every SageMaker call for %s, the ARN's region, whatever AWS_REGION says", async (region, arn) => {
    // Prepare: an endpoint that records each request's credential scope and knows no execution.
    const { createServer } = await import('node:http');
    const scopes: string[] = [];
    const server = createServer((request, response) => {
      scopes.push(/Credential=[^/]+\/\d{8}\/([^/]+)\/sagemaker\//.exec(request.headers.authorization ?? '')?.[1] ?? '(none)');
      request.resume();
      response
        .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ __type: 'ResourceNotFound', message: 'no such execution' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    // Act
    const run = await cli(['stop', arn, '--max-wait', '60'], {
      env: {
        AWS_ENDPOINT_URL_SAGEMAKER: `http://127.0.0.1:${port}`,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        GRACEFUL_STOP_TIME_SCALE: '',
      },
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));

    // Assess
    expect(run.exitCode, diagnostics(run)).toBe(1);
    expect(run.stdout).toMatch(/^FAILED PipelineExecutionNotFound: /);
    expect(scopes.length).toBeGreaterThan(0);
    expect(new Set(scopes)).toEqual(new Set([region]));
  });
});

describe('graceful-stop without credentials', () => {
  it('ends stop-all in the named failure CredentialsMissing with a sentence and a hint, as text and as {error, cause}', async () => {
    // Prepare: no credentials anywhere, and no instance metadata to ask.
    const env = {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'graceful-stop-no-such-profile',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: REGION,
    };

    // Act
    const human = await cli(['stop-all', 'churn-model', '--max-wait', '60'], { env });
    const json = await cli(['stop-all', 'churn-model', '--max-wait', '60', '--json'], { env });

    // Assess
    expect(human.exitCode, diagnostics(human)).toBe(1);
    expect(human.stdout).toMatch(
      /^FAILED CredentialsMissing: No AWS credentials were found [^{}]*\(hint: no AWS credentials found; set AWS_PROFILE/,
    );
    expect(JSON.parse(json.stdout)).toEqual({
      error: 'CredentialsMissing',
      cause: expect.stringMatching(/^No AWS credentials were found .*\(hint: /),
    });
  });
});

describe('graceful-stop stop, the first hour against a simulator', () => {
  let stack: Emulators;
  let sagemaker: SageMakerClient;
  let pipelines = 0;

  /** A run of a new pipeline of `steps`, Executing. */
  const runOf = async (steps: unknown[]): Promise<string> => {
    pipelines += 1;
    const name = `first-hour-${pipelines}`;
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: name,
        RoleArn: ROLE_ARN,
        PipelineDefinition: JSON.stringify({ Version: '2020-12-01', Metadata: {}, Parameters: [], Steps: steps }),
      }),
    );
    const { PipelineExecutionArn: arn = '' } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: name }));
    return arn;
  };

  beforeAll(async () => {
    stack = await startLocalCloud({ parts: 'emulators', timeScale: 10 });
    sagemaker = new SageMakerClient({ endpoint: stack.endpoints.sagemakerEndpoint, region: REGION, credentials: DUMMY_CREDENTIALS });
  });
  afterAll(async () => {
    sagemaker?.destroy();
    await stack?.close();
  });

  it('refuses --drain-only at once for a run nobody is stopping, with PipelineExecutionNotStopping and a hint', async () => {
    // Prepare
    const arn = await runOf([jobStep('Train', { DurationSeconds: 36_000 })]);

    // Act
    const run = await cli(['stop', arn, '--drain-only'], { env: { ...localStackEnv(stack), GRACEFUL_STOP_TIME_SCALE: '10' } });

    // Assess
    expect(run.exitCode, diagnostics(run)).toBe(1);
    expect(run.stdout).toMatch(
      /^FAILED PipelineExecutionNotStopping: arn:aws:sagemaker:\S+ is Executing: nobody is stopping it, so drainOnly has nothing to drain; start the graceful stop without drainOnly to stop it\./,
    );
    expect(run.stdout).toContain('(hint: the run is still Executing; drop --drain-only to stop it gracefully.)');
    expect((await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }))).PipelineExecutionStatus).toBe(
      'Executing',
    );
  });

  it('runs its waits on the exported clock: a 60 s grace at time scale 10 is released, and the run Stopped, well within a minute', async () => {
    // Prepare: a callback step whose consumer never answers.
    const queueUrl = await createQueue(stack.endpoints.sqsEndpoint, 'first-hour-silent');
    const arn = await runOf([callbackStep('Approve', queueUrl)]);

    // Act
    const run = await cli(['stop', arn, '--release-callbacks-after', '60s', '--max-wait', '10m', '--json'], {
      env: { ...localStackEnv(stack), GRACEFUL_STOP_TIME_SCALE: '10' },
      timeoutMs: 55_000,
    });

    // Assess
    expect(run.exitCode, diagnostics(run)).toBe(0);
    const document = JSON.parse(run.stdout) as {
      outcome: string;
      waitedSeconds: number;
      releasedCallbackSteps: Array<{ stepName: string }>;
    };
    expect(document.outcome).toBe('Stopped');
    expect(document.releasedCallbackSteps.map((step) => step.stepName)).toEqual(['Approve']);
    expect(document.waitedSeconds).toBeGreaterThanOrEqual(60);
    // On the real clock the grace alone would take 60 s: the harness would have killed the run.
    expect(run.wallSeconds).toBeLessThan(55);
  });

  it('prints no function log lines without --verbose, and prints them with LOG_LEVEL', async () => {
    // Prepare: no credentials, so the stop record (the local S3) and SageMaker both fail.
    const env = {
      AWS_ENDPOINT_URL_SAGEMAKER: stack.endpoints.sagemakerEndpoint,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'graceful-stop-no-such-profile',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: REGION,
      LOG_LEVEL: '',
      POWERTOOLS_LOG_LEVEL: '',
    };
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/abc123';

    // Act
    const quiet = await cli(['stop', arn, '--max-wait', '60'], { env });
    const verbose = await cli(['stop', arn, '--max-wait', '60'], { env: { ...env, LOG_LEVEL: 'WARN' } });

    // Assess
    expect(quiet.exitCode, diagnostics(quiet)).toBe(1);
    expect(quiet.stdout).toMatch(/^FAILED CredentialsMissing: /);
    expect(quiet.stderr, 'no JSON log line of the functions').not.toMatch(/"level":|^\s*\{/m);
    expect(verbose.stdout).toMatch(/^FAILED CredentialsMissing: /);
    expect(verbose.stderr).toMatch(/WARN|"level"/);
  });

  it('leaves a JSON document on stdout when --json is interrupted, with a resume command that keeps --json, and exits 130', async () => {
    // Prepare
    const arn = await runOf([jobStep('Train', { DurationSeconds: 36_000, StopDurationSeconds: 6_000 })]);
    let child: ChildProcess | undefined;
    let stopRequested = false;
    const run = cli(['stop', arn, '--max-wait', '1h', '--json'], {
      env: { ...localStackEnv(stack), GRACEFUL_STOP_TIME_SCALE: '10' },
      onSpawn: (spawned) => (child = spawned),
      onErrorLine: (line) => (stopRequested ||= line.includes('stop requested for')),
    });
    await waitFor('the stop request', () => stopRequested, Boolean, { timeoutMs: 30_000 });

    // Act
    child?.kill('SIGINT');
    const ended = await within('the interrupted stop to end', run, 15_000);

    // Assess
    expect(ended.exitCode, diagnostics(ended)).toBe(130);
    const document = JSON.parse(ended.stdout) as Record<string, unknown>;
    expect(document).toMatchObject({ error: 'Interrupted', pipelineExecutionArn: arn, stopSent: true });
    expect(document.resumeCommand).toMatch(new RegExp(`stop ${arn} --max-wait 3600 --json$`));
  });
});
