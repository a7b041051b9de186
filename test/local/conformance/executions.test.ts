import {
  CreatePipelineCommand,
  DescribePipelineDefinitionForExecutionCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionsCommand,
  ListPipelineExecutionStepsCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-sagemaker';
import { describe, expect, it, onTestFinished } from 'vitest';
import { randomUUID } from 'node:crypto';
import { callbackStep, definition, jobStep, lambdaStep, LAMBDA_ARN, type StepJson } from '#test/support/conformance-definitions.js';
import { startSageMakerSimulator } from '#local/simulator/index.js';
import { createQueue, ROLE_ARN, startHarness, useHarness, uniqueName } from '#test/support/conformance-harness.js';
import { listAllSteps, waitForExecutionStatus, waitForStepStatus } from '#test/support/sagemaker-waits.js';
import { waitFor } from '#local/bounded.js';

// 120 runs at once for the paging tests: an account whose quota was raised (SageMaker's default is 20).
const harness = useHarness({ timeScale: 100, concurrentExecutionLimit: 200 });

async function createPipeline(steps: StepJson[]): Promise<string> {
  const name = uniqueName('exec');
  await harness.sagemaker.send(new CreatePipelineCommand({ PipelineName: name, RoleArn: ROLE_ARN, PipelineDefinition: definition(steps) }));
  return name;
}

async function start(pipelineName: string, token?: string): Promise<string> {
  const { PipelineExecutionArn } = await harness.sagemaker.send(
    new StartPipelineExecutionCommand({ PipelineName: pipelineName, ClientRequestToken: token }),
  );
  return PipelineExecutionArn ?? '';
}

describe('StartPipelineExecution and DescribePipelineExecution', () => {
  it('runs an execution from Executing to Succeeded and describes it', async () => {
    // Prepare: 300 simulated s (3 s real): still Executing at the first describe, however busy the machine.
    const name = await createPipeline([jobStep('Train', 'Training', { DurationSeconds: 300 })]);

    // Act
    const arn = await start(name);
    const first = await harness.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
    const last = await waitForExecutionStatus(harness.sagemaker, arn, 'Succeeded');

    // Assess
    expect(arn).toMatch(new RegExp(`^arn:aws:sagemaker:us-east-1:123456789012:pipeline/${name.toLowerCase()}/execution/[a-z0-9]{12}$`));
    expect(first.PipelineExecutionStatus).toBe('Executing');
    expect(last).toMatchObject({ PipelineExecutionArn: arn, PipelineArn: expect.stringContaining(name.toLowerCase()) });
    expect(last.PipelineExecutionDisplayName).toMatch(/^execution-\d+$/);
    expect(last.FailureReason).toBeUndefined();
    expect(last.LastModifiedTime?.getTime()).toBeGreaterThanOrEqual(last.CreationTime?.getTime() ?? Infinity);
  });

  it('returns the same execution for a retried ClientRequestToken', async () => {
    // Prepare
    const name = await createPipeline([jobStep('Train')]);
    const token = 'start-token-0123456789abcdef-0123456789';

    // Act
    const first = await start(name, token);
    const second = await start(name, token);

    // Assess
    expect(second).toBe(first);
  });

  it('returns the definition an execution runs with', async () => {
    // Prepare
    const steps = [jobStep('Train')];
    const arn = await start(await createPipeline(steps));

    // Act
    const answer = await harness.sagemaker.send(new DescribePipelineDefinitionForExecutionCommand({ PipelineExecutionArn: arn }));

    // Assess
    expect(JSON.parse(answer.PipelineDefinition ?? '{}')).toMatchObject({ Version: '2020-12-01', Steps: steps });
    expect(answer.CreationTime).toBeInstanceOf(Date);
  });
});

describe("the account's concurrent-execution quota", () => {
  it('refuses the 21st run at once with ResourceLimitExceeded by default, counting Stopping runs and every pipeline, and starts again once one has ended', async () => {
    // Prepare: real time, so the runs' 600 s and the stop's 600 s outlast any machine
    const own = await startHarness({ timeScale: 1 });
    onTestFinished(() => own.close());
    const steps = [jobStep('Train', 'Training', { DurationSeconds: 600, StopDurationSeconds: 600 })];
    const names = [uniqueName('quota-a'), uniqueName('quota-b')];
    for (const name of names)
      await own.sagemaker.send(new CreatePipelineCommand({ PipelineName: name, RoleArn: ROLE_ARN, PipelineDefinition: definition(steps) }));
    const started: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const { PipelineExecutionArn = '' } = await own.sagemaker.send(
        new StartPipelineExecutionCommand({ PipelineName: names[i % 2], ClientRequestToken: randomUUID() }),
      );
      started.push(PipelineExecutionArn);
    }
    await own.sagemaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: started[0], ClientRequestToken: randomUUID() }));

    // Act
    const refused = own.sagemakerNoRetry.send(
      new StartPipelineExecutionCommand({ PipelineName: names[0], ClientRequestToken: randomUUID() }),
    );
    await expect(refused).rejects.toMatchObject({
      name: 'ResourceLimitExceeded',
      message: expect.stringContaining(
        "'Maximum number of concurrent pipeline executions' is 20 Pipeline Executions, with current utilization of 20",
      ),
    });
    const listed = await own.sagemaker.send(new ListPipelineExecutionsCommand({ PipelineName: names[0] }));
    const stopping = await own.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: started[0] }));

    // Assess: nothing was started; the Stopping run still counts
    expect(stopping.PipelineExecutionStatus).toBe('Stopping');
    expect(listed.PipelineExecutionSummaries).toHaveLength(10);
  });

  it('lets a simulator set its own quota, and no longer counts a run that has ended', async () => {
    // Prepare
    const own = await startHarness({ timeScale: 100, concurrentExecutionLimit: 2 });
    onTestFinished(() => own.close());
    const name = uniqueName('quota-own');
    const steps = [jobStep('Train', 'Training', { DurationSeconds: 100_000, StopDurationSeconds: 0 })];
    await own.sagemaker.send(new CreatePipelineCommand({ PipelineName: name, RoleArn: ROLE_ARN, PipelineDefinition: definition(steps) }));
    const startOne = () =>
      own.sagemakerNoRetry.send(new StartPipelineExecutionCommand({ PipelineName: name, ClientRequestToken: randomUUID() }));
    const { PipelineExecutionArn: first = '' } = await startOne();
    await startOne();
    await expect(startOne()).rejects.toMatchObject({
      name: 'ResourceLimitExceeded',
      message: expect.stringContaining('is 2 Pipeline Executions'),
    });

    // Act
    await own.sagemaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: first, ClientRequestToken: randomUUID() }));
    await waitForExecutionStatus(own.sagemaker, first, 'Stopped');
    const again = await startOne();

    // Assess
    expect(again.PipelineExecutionArn).toMatch(/execution\/[a-z0-9]{12}$/);
  });

  it('refuses a quota that is not a whole number from 1 up', async () => {
    // Act
    const zero = startSageMakerSimulator({ concurrentExecutionLimit: 0 });

    // Assess
    await expect(zero).rejects.toThrow(/concurrentExecutionLimit must be an integer in 1\.\.100000, got 0/);
  });
});

describe('step scheduling', () => {
  it('starts a step only after everything it DependsOn has succeeded, and runs independent steps in parallel', async () => {
    // Prepare
    const name = await createPipeline([
      jobStep('Prepare', 'Processing', { DurationSeconds: 5 }),
      jobStep('TrainA', 'Training', { DurationSeconds: 5 }, ['Prepare']),
      jobStep('TrainB', 'Training', { DurationSeconds: 5 }, ['Prepare']),
      jobStep('Register', 'RegisterModel', { DurationSeconds: 1 }, ['TrainA', 'TrainB']),
    ]);

    // Act
    const arn = await start(name);
    await waitForExecutionStatus(harness.sagemaker, arn, 'Succeeded');
    const { steps } = await listAllSteps(harness.sagemaker, arn, { sortOrder: 'Ascending' });

    // Assess
    const byName = new Map(steps.map((s) => [s.StepName, s]));
    const time = (step: string, field: 'StartTime' | 'EndTime'): number => byName.get(step)?.[field]?.getTime() ?? NaN;
    expect(steps.map((s) => s.StepName)).toEqual(['Prepare', 'TrainA', 'TrainB', 'Register']);
    expect(time('TrainA', 'StartTime')).toBeGreaterThanOrEqual(time('Prepare', 'EndTime'));
    expect(time('TrainB', 'StartTime')).toBeLessThan(time('TrainA', 'EndTime'));
    expect(time('Register', 'StartTime')).toBeGreaterThanOrEqual(Math.max(time('TrainA', 'EndTime'), time('TrainB', 'EndTime')));
    expect(steps.every((s) => s.StepStatus === 'Succeeded')).toBe(true);
  });

  it("fails the execution when a step fails with SageMaker's reason, the step naming its own, and starts nothing that depends on it", async () => {
    // Prepare
    const name = await createPipeline([
      jobStep('Train', 'Training', { DurationSeconds: 2, Outcome: 'Failed', FailureReason: 'AlgorithmError: out of memory' }),
      jobStep('Evaluate', 'Processing', {}, ['Train']),
    ]);

    // Act
    const arn = await start(name);
    const described = await waitForExecutionStatus(harness.sagemaker, arn, 'Failed');
    const { steps } = await listAllSteps(harness.sagemaker, arn);

    // Assess
    expect(described.FailureReason).toBe('Step failure: One or multiple steps failed.');
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ StepName: 'Train', StepStatus: 'Failed', FailureReason: 'AlgorithmError: out of memory' });
  });

  it('ends the execution Failed at a Fail step with its ErrorMessage', async () => {
    // Prepare
    const name = await createPipeline([{ Name: 'Abort', Type: 'Fail', Arguments: { ErrorMessage: 'quality gate not met' } }]);

    // Act
    const arn = await start(name);
    const described = await waitForExecutionStatus(harness.sagemaker, arn, 'Failed');
    const { steps } = await listAllSteps(harness.sagemaker, arn);

    // Assess
    expect(described.FailureReason).toBe('Step failure: One or multiple steps failed.');
    expect(steps[0]?.FailureReason).toBe('quality gate not met');
  });

  it("keeps a run whose step failed Executing until the steps running beside it finish, then ends it Failed with SageMaker's reason", async () => {
    // Prepare: a Lambda step fails after 5 s while a training step runs for 60 s; Register depends on both
    const name = await createPipeline([
      lambdaStep('Score', { DurationSeconds: 5, Outcome: 'Failed', FailureReason: 'ValueError: bad input' }),
      jobStep('Train', 'Training', { DurationSeconds: 60 }),
      jobStep('Register', 'RegisterModel', { DurationSeconds: 1 }, ['Score', 'Train']),
    ]);
    const arn = await start(name);
    await waitFor(
      'Score to fail',
      () => listAllSteps(harness.sagemaker, arn),
      ({ steps }) => steps.some((step) => step.StepName === 'Score' && step.StepStatus === 'Failed'),
    );

    // Act
    const whileTraining = await harness.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
    const ended = await waitForExecutionStatus(harness.sagemaker, arn, 'Failed');
    const { steps } = await listAllSteps(harness.sagemaker, arn);

    // Assess
    expect(whileTraining.PipelineExecutionStatus).toBe('Executing');
    expect(ended.FailureReason).toBe('Step failure: One or multiple steps failed.');
    expect(steps.map((step) => [step.StepName, step.StepStatus]).sort()).toEqual([
      ['Score', 'Failed'],
      ['Train', 'Succeeded'],
    ]);
  });

  it.each([
    ['0.9', 'True', 'Register'],
    ['0.5', 'False', 'Retrain'],
  ])("runs a Condition step's IfSteps or ElseSteps as its Conditions say (Score %s: Outcome %s, %s runs)", async (score, outcome, runs) => {
    // Prepare
    const name = uniqueName('condition');
    await harness.sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: name,
        RoleArn: ROLE_ARN,
        PipelineDefinition: definition(
          [
            {
              Name: 'GoodEnough',
              Type: 'Condition',
              Arguments: {
                Conditions: [{ Type: 'GreaterThanOrEqualTo', LeftValue: { Get: 'Parameters.Score' }, RightValue: 0.8 }],
                IfSteps: [jobStep('Register', 'Processing', { DurationSeconds: 1 })],
                ElseSteps: [jobStep('Retrain', 'Training', { DurationSeconds: 1 })],
              },
            },
          ],
          [{ Name: 'Score', Type: 'Float', DefaultValue: 0 }],
        ),
      }),
    );

    // Act
    const { PipelineExecutionArn: arn = '' } = await harness.sagemaker.send(
      new StartPipelineExecutionCommand({ PipelineName: name, PipelineParameters: [{ Name: 'Score', Value: score }] }),
    );
    await waitForExecutionStatus(harness.sagemaker, arn, 'Succeeded');
    const { steps } = await listAllSteps(harness.sagemaker, arn, { sortOrder: 'Ascending' });

    // Assess
    expect(steps.map((step) => step.StepName)).toEqual(['GoodEnough', runs]);
    expect(steps[0]?.Metadata?.Condition?.Outcome).toBe(outcome);
  });

  it.each([
    [2, 5, 'Succeeded', 3],
    [3, 2, 'Failed', 2],
  ])(
    'retries an attempt its RetryPolicies name (%i failing attempts, MaxAttempts %i): the run ends %s with AttemptCount %i',
    async (failing, maxAttempts, status, attempts) => {
      // Prepare
      const retry = { ExceptionType: ['SageMaker.JOB_INTERNAL_ERROR'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: maxAttempts };
      const name = await createPipeline([
        { ...jobStep('Prepare', 'Processing', { DurationSeconds: 2, FailAttempts: failing }), RetryPolicies: [retry] },
      ]);

      // Act
      const arn = await start(name);
      const ended = await waitForExecutionStatus(harness.sagemaker, arn, status as 'Succeeded' | 'Failed');
      const { steps } = await listAllSteps(harness.sagemaker, arn);

      // Assess
      expect(ended.PipelineExecutionStatus).toBe(status);
      expect(steps[0]).toMatchObject({ StepName: 'Prepare', StepStatus: status, AttemptCount: attempts });
    },
  );

  it("starts no further attempt once the run is stopped during a retry's wait", async () => {
    // Prepare: real time (scale 1), so the retry's 300 s wait outlasts any machine; the first attempt fails at once
    const slow = await startHarness({ timeScale: 1 });
    onTestFinished(() => slow.close());
    const retry = { ExceptionType: ['SageMaker.JOB_INTERNAL_ERROR'], IntervalSeconds: 300, BackoffRate: 1, MaxAttempts: 5 };
    const name = uniqueName('retry-stop');
    const steps = [
      { ...jobStep('Prepare', 'Processing', { DurationSeconds: 0, FailAttempts: 1, StopDurationSeconds: 0 }), RetryPolicies: [retry] },
    ];
    await slow.sagemaker.send(new CreatePipelineCommand({ PipelineName: name, RoleArn: ROLE_ARN, PipelineDefinition: definition(steps) }));
    const { PipelineExecutionArn: arn = '' } = await slow.sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: name }));
    await waitForStepStatus(slow.sagemaker, arn, 'Prepare', 'Executing');

    // Act
    await slow.sagemaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: randomUUID() }));
    await waitForExecutionStatus(slow.sagemaker, arn, 'Stopped');
    const listed = await listAllSteps(slow.sagemaker, arn);

    // Assess
    expect(listed.steps[0]).toMatchObject({ StepName: 'Prepare', StepStatus: 'Stopped', AttemptCount: 1 });
  });

  it('lists the steps oldest first with SortOrder Ascending (newest first by default), each with its StepDisplayName', async () => {
    // Prepare
    const name = await createPipeline([
      { ...jobStep('First', 'Processing', { DurationSeconds: 1 }), DisplayName: 'Prepare the data' },
      { ...jobStep('Second', 'Training', { DurationSeconds: 1 }, ['First']), DisplayName: 'Train the model' },
    ]);
    const arn = await start(name);
    await waitForExecutionStatus(harness.sagemaker, arn, 'Succeeded');

    // Act
    const ascending = await listAllSteps(harness.sagemaker, arn, { sortOrder: 'Ascending' });
    const byDefault = await listAllSteps(harness.sagemaker, arn);

    // Assess
    expect(ascending.steps.map((step) => [step.StepName, step.StepDisplayName])).toEqual([
      ['First', 'Prepare the data'],
      ['Second', 'Train the model'],
    ]);
    expect(byDefault.steps.map((step) => step.StepName)).toEqual(['Second', 'First']);
  });

  it('does not stop a Model or RegisterModel step: a synchronous call finishes, the run then ends Stopped', async () => {
    // Prepare
    const name = await createPipeline([jobStep('Register', 'RegisterModel', { DurationSeconds: 20 })]);
    const arn = await start(name);
    await waitFor(
      'Register to run',
      () => listAllSteps(harness.sagemaker, arn),
      ({ steps }) => steps.length === 1,
    );

    // Act
    await harness.sagemaker.send(new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: randomUUID() }));
    const stopping = await listAllSteps(harness.sagemaker, arn);
    await waitForExecutionStatus(harness.sagemaker, arn, 'Stopped');
    const { steps } = await listAllSteps(harness.sagemaker, arn);

    // Assess
    expect(stopping.steps[0]?.StepStatus).toBe('Executing');
    expect(steps[0]?.StepStatus).toBe('Succeeded');
  });
});

describe('ListPipelineExecutionSteps', () => {
  it('gives every step exactly one Metadata key, named by its type', async () => {
    // Prepare
    const queueUrl = await createQueue(harness.sqs);
    const long = { DurationSeconds: 1_000 };
    const name = await createPipeline([
      callbackStep('Cb', queueUrl),
      lambdaStep('Fn', { DurationSeconds: 100 }),
      jobStep('Train', 'Training', long),
      jobStep('Process', 'Processing', long),
      jobStep('Transform', 'Transform', long),
      jobStep('Tune', 'Tuning', long),
      jobStep('CreateModel', 'Model', long),
      jobStep('Register', 'RegisterModel', long),
      { Name: 'Check', Type: 'Condition', Arguments: { Conditions: [] } },
    ]);

    // Act
    const arn = await start(name);
    await waitForStepStatus(harness.sagemaker, arn, 'Check', 'Succeeded');
    const { steps } = await listAllSteps(harness.sagemaker, arn);

    // Assess
    const metadata = Object.fromEntries(steps.map((s) => [s.StepName, s.Metadata ?? {}]));
    for (const step of steps) expect(Object.keys(step.Metadata ?? {})).toHaveLength(1);
    expect(metadata['Cb']).toEqual({ Callback: { CallbackToken: expect.stringMatching(/^[A-Za-z0-9]{10}$/), SqsQueueUrl: queueUrl } });
    expect(metadata['Fn']).toEqual({ Lambda: { Arn: LAMBDA_ARN } });
    expect(metadata['Train']).toEqual({ TrainingJob: { Arn: expect.stringMatching(/:training-job\/pipelines-/) } });
    expect(metadata['Process']).toEqual({ ProcessingJob: { Arn: expect.stringMatching(/:processing-job\//) } });
    expect(metadata['Transform']).toEqual({ TransformJob: { Arn: expect.stringMatching(/:transform-job\//) } });
    expect(metadata['Tune']).toEqual({ TuningJob: { Arn: expect.stringMatching(/:hyper-parameter-tuning-job\//) } });
    expect(metadata['CreateModel']).toEqual({ Model: { Arn: expect.stringMatching(/:model\//) } });
    expect(metadata['Register']).toEqual({ RegisterModel: { Arn: expect.stringMatching(/:model-package\//) } });
    expect(metadata['Check']).toEqual({ Condition: { Outcome: 'True' } });
  });

  it('pages through 120 steps: newest first by default, every step exactly once', async () => {
    // Prepare
    const steps = Array.from({ length: 120 }, (_, i) => jobStep(`Step${String(i).padStart(3, '0')}`, 'Processing', { DurationSeconds: 1 }));
    const arn = await start(await createPipeline(steps));
    await waitForExecutionStatus(harness.sagemaker, arn, 'Succeeded');

    // Act
    const fullPages = await listAllSteps(harness.sagemaker, arn, { maxResults: 100 });
    const defaultPages = await listAllSteps(harness.sagemaker, arn);
    const ascending = await listAllSteps(harness.sagemaker, arn, { maxResults: 7, sortOrder: 'Ascending' });

    // Assess
    const expected = steps.map((s) => s['Name']);
    expect(fullPages.pages).toBe(2);
    expect(fullPages.steps.map((s) => s.StepName)).toEqual([...expected].reverse());
    expect(defaultPages.pages).toBe(12);
    expect(defaultPages.steps).toHaveLength(120);
    expect(ascending.pages).toBe(18);
    expect(ascending.steps.map((s) => s.StepName)).toEqual(expected);
  });

  it('rejects MaxResults above 100 and a NextToken from another request', async () => {
    // Prepare
    const arn = await start(await createPipeline([jobStep('A'), jobStep('B'), jobStep('C')]));
    const otherArn = await start(await createPipeline([jobStep('A'), jobStep('B'), jobStep('C')]));
    const { NextToken } = await harness.sagemaker.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn, MaxResults: 1 }));

    // Act
    const tooMany = harness.sagemaker.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn, MaxResults: 101 }));
    const foreignToken = harness.sagemaker.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: otherArn, NextToken }));

    // Assess
    expect(NextToken).toBeDefined();
    await expect(tooMany).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('less than or equal to 100'),
    });
    await expect(foreignToken).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('NextToken') });
  });
});

describe('ListPipelineExecutions', () => {
  async function listAll(input: {
    PipelineName: string;
    SortBy?: 'CreationTime' | 'PipelineExecutionArn';
    SortOrder?: 'Ascending' | 'Descending';
    MaxResults?: number;
    CreatedAfter?: Date;
  }) {
    const summaries: PipelineExecutionSummary[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await harness.sagemaker.send(new ListPipelineExecutionsCommand({ ...input, NextToken }));
      summaries.push(...(page.PipelineExecutionSummaries ?? []));
      NextToken = page.NextToken;
      pages += 1;
    } while (NextToken && pages < 100);
    return { summaries, pages };
  }

  it('pages through 120 executions newest first, filters by creation time and sorts by ARN', async () => {
    // Prepare
    const name = await createPipeline([jobStep('Train', 'Training', { DurationSeconds: 1_000 })]);
    const started: string[] = [];
    for (let i = 0; i < 120; i += 1) started.push(await start(name));
    const described = await harness.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: started[59] }));

    // Act
    const newestFirst = await listAll({ PipelineName: name, MaxResults: 100 });
    const byDefault = await listAll({ PipelineName: name });
    const byArn = await listAll({ PipelineName: name, SortBy: 'PipelineExecutionArn', SortOrder: 'Ascending', MaxResults: 50 });
    const recent = await listAll({ PipelineName: name, CreatedAfter: described.CreationTime, MaxResults: 100 });

    // Assess
    expect(newestFirst.pages).toBe(2);
    expect(newestFirst.summaries.map((s) => s.PipelineExecutionArn)).toEqual([...started].reverse());
    expect(newestFirst.summaries[0]).toMatchObject({ PipelineExecutionStatus: 'Executing', StartTime: expect.any(Date) });
    expect(byDefault.summaries).toHaveLength(120);
    expect(byArn.summaries.map((s) => s.PipelineExecutionArn)).toEqual([...started].sort());
    expect(recent.summaries.length).toBeGreaterThan(0);
    expect(recent.summaries.length).toBeLessThanOrEqual(60);
    expect(recent.summaries.every((s) => (s.StartTime?.getTime() ?? 0) > (described.CreationTime?.getTime() ?? 0))).toBe(true);
  });

  it('answers ResourceNotFound for an unknown pipeline', async () => {
    // Act
    const call = harness.sagemaker.send(new ListPipelineExecutionsCommand({ PipelineName: 'unknown-pipeline' }));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ResourceNotFound' });
  });

  it('shows the failure reason of a failed execution in its summary', async () => {
    // Prepare
    const name = await createPipeline([jobStep('Train', 'Training', { DurationSeconds: 1, Outcome: 'Failed' })]);
    const arn = await start(name);
    await waitForExecutionStatus(harness.sagemaker, arn, 'Failed');

    // Act
    const { PipelineExecutionSummaries } = await waitFor(
      'one execution summary',
      () => harness.sagemaker.send(new ListPipelineExecutionsCommand({ PipelineName: name })),
      (page) => (page.PipelineExecutionSummaries ?? []).length === 1,
    );

    // Assess
    expect(PipelineExecutionSummaries?.[0]).toMatchObject({
      PipelineExecutionStatus: 'Failed',
      PipelineExecutionFailureReason: 'Step failure: One or multiple steps failed.',
    });
  });
});
