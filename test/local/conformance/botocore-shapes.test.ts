/**
 * Every operation's response, the job operations included, against botocore's SageMaker model (the
 * one installed with boto3): no member the model does not have, no wrong type, no status value the
 * model does not list, no required member missing. Where botocore is not installed, the same calls
 * go through the SDK's own deserializers instead.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CreatePipelineCommand, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { describe, expect, it, onTestFinished } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';
import { OPERATION_NAMES } from '#local/simulator/operations/index.js';
import { callbackStep, definition, jobStep, lambdaStep } from '#test/support/conformance-definitions.js';
import { ROLE_ARN, createQueue, startHarness, uniqueName, useHarness } from '#test/support/conformance-harness.js';
import { postRaw } from '#test/support/raw-requests.js';
import { listAllSteps, waitForExecutionStatus, waitForStepStatus } from '#test/support/sagemaker-waits.js';

const harness = useHarness({ timeScale: 100 });
const CHECKER = join(projectRoot, 'test', 'support', 'botocore_shapes.py');
const call = async (operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
  const answer = await postRaw(harness.simulator.endpoint, `SageMaker.${operation}`, JSON.stringify(body));
  if (answer.status !== 200) throw new Error(`${operation}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
};
/**
 * Members newer than the botocore installed here and known to the SDK's model (botocore's parser
 * ignores a member it does not know, so these parse; they are listed so nothing else can slip in).
 */
const NEWER_THAN_BOTOCORE = new Set(['DescribePipeline.PipelineVersionId: not a member of DescribePipelineResponse']);
const nameOf = (arn: unknown): string => String(arn).slice(String(arn).lastIndexOf('/') + 1);

describe("the simulator's responses against botocore's SageMaker model", () => {
  it("answers every operation it serves with a response botocore's model accepts", async () => {
    // Prepare: one run of every kind of step, stopped, so every operation has something to answer about
    const name = uniqueName('shapes');
    const queueUrl = await createQueue(harness.sqs);
    const steps = [
      jobStep('Train', 'Training', { DurationSeconds: 1000 }),
      jobStep('Prepare', 'Processing', { DurationSeconds: 1000 }),
      jobStep('Score', 'Transform', { DurationSeconds: 1000 }),
      jobStep('Tune', 'Tuning', { DurationSeconds: 1000 }),
      jobStep('Auto', 'AutoML', { DurationSeconds: 1000 }),
      lambdaStep('Notify', { DurationSeconds: 1 }),
      callbackStep('Approve', queueUrl),
    ];
    const responses: Array<{ operation: string; response: Record<string, unknown> }> = [];
    const record = async (operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const response = await call(operation, body);
      responses.push({ operation, response });
      return response;
    };
    const { PipelineArn: pipelineArn } = await record('CreatePipeline', {
      PipelineName: name,
      RoleArn: ROLE_ARN,
      PipelineDefinition: definition(steps),
      ClientRequestToken: randomUUID(),
    });
    const { PipelineExecutionArn: arn } = await record('StartPipelineExecution', { PipelineName: name, ClientRequestToken: randomUUID() });
    const listed = await listAllSteps(harness.sagemaker, String(arn));
    const metadataOf = (step: string) => listed.steps.find((candidate) => candidate.StepName === step)?.Metadata;
    const token = metadataOf('Approve')?.Callback?.CallbackToken;

    // Act: every operation the simulator serves
    await record('DescribePipeline', { PipelineName: name });
    await record('AddTags', { ResourceArn: pipelineArn, Tags: [{ Key: 'graceful-stop:max-concurrent-runs', Value: '2' }] });
    await record('ListTags', { ResourceArn: pipelineArn });
    await record('DeleteTags', { ResourceArn: pipelineArn, TagKeys: ['graceful-stop:max-concurrent-runs'] });
    await record('ListPipelines', {});
    await record('DescribePipelineExecution', { PipelineExecutionArn: arn });
    await record('ListPipelineExecutions', { PipelineName: name });
    await record('ListPipelineExecutionSteps', { PipelineExecutionArn: arn });
    await record('DescribePipelineDefinitionForExecution', { PipelineExecutionArn: arn });
    await record('DescribeTrainingJob', { TrainingJobName: nameOf(metadataOf('Train')?.TrainingJob?.Arn) });
    await record('DescribeProcessingJob', { ProcessingJobName: nameOf(metadataOf('Prepare')?.ProcessingJob?.Arn) });
    await record('DescribeTransformJob', { TransformJobName: nameOf(metadataOf('Score')?.TransformJob?.Arn) });
    await record('DescribeHyperParameterTuningJob', { HyperParameterTuningJobName: nameOf(metadataOf('Tune')?.TuningJob?.Arn) });
    await record('DescribeAutoMLJob', { AutoMLJobName: nameOf(metadataOf('Auto')?.AutoMLJob?.Arn) });
    await record('StopTrainingJob', { TrainingJobName: nameOf(metadataOf('Train')?.TrainingJob?.Arn) });
    await record('StopProcessingJob', { ProcessingJobName: nameOf(metadataOf('Prepare')?.ProcessingJob?.Arn) });
    await record('StopTransformJob', { TransformJobName: nameOf(metadataOf('Score')?.TransformJob?.Arn) });
    await record('StopHyperParameterTuningJob', { HyperParameterTuningJobName: nameOf(metadataOf('Tune')?.TuningJob?.Arn) });
    await record('StopAutoMLJob', { AutoMLJobName: nameOf(metadataOf('Auto')?.AutoMLJob?.Arn) });
    await record('StopPipelineExecution', { PipelineExecutionArn: arn, ClientRequestToken: randomUUID() });
    await record('SendPipelineExecutionStepSuccess', { CallbackToken: token, ClientRequestToken: randomUUID() });
    await waitForExecutionStatus(harness.sagemaker, String(arn), 'Stopped');
    await record('ListPipelineExecutionSteps', { PipelineExecutionArn: arn, SortOrder: 'Ascending' });
    const second = await record('StartPipelineExecution', { PipelineName: name, ClientRequestToken: randomUUID() });
    const secondToken = (await listAllSteps(harness.sagemaker, String(second.PipelineExecutionArn))).steps.find(
      (step) => step.StepName === 'Approve',
    )?.Metadata?.Callback?.CallbackToken;
    await record('SendPipelineExecutionStepFailure', {
      CallbackToken: secondToken,
      FailureReason: 'shapes test',
      ClientRequestToken: randomUUID(),
    });
    await record('StopPipelineExecution', { PipelineExecutionArn: second.PipelineExecutionArn, ClientRequestToken: randomUUID() });
    await waitForExecutionStatus(harness.sagemaker, String(second.PipelineExecutionArn), 'Stopped');
    await record('DeletePipeline', { PipelineName: name, ClientRequestToken: randomUUID() });
    const checker = spawnSync('python3', [CHECKER], {
      input: responses.map((entry) => JSON.stringify(entry)).join('\n'),
      encoding: 'utf8',
      timeout: 60_000,
    });

    // Assess
    expect(new Set(responses.map((entry) => entry.operation))).toEqual(new Set(OPERATION_NAMES));
    if (checker.status === 2) {
      // botocore is not installed here: the SDK's deserializers read every response instead (the other conformance suites).
      expect(responses.length).toBeGreaterThan(OPERATION_NAMES.length);
      return;
    }
    expect(checker.status, checker.stderr).toBe(0);
    const problems = checker.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { operation: string; problem: string })
      .filter((entry) => !NEWER_THAN_BOTOCORE.has(entry.problem));
    expect(problems).toEqual([]);
  });

  it('answers every error it raises by itself with a code the model lists for that operation, or one any AWS JSON service may answer', async () => {
    // Prepare: real time, a 600 s transition between steps and room for two runs, so each error is certain
    const own = await startHarness({ timeScale: 1, stepTransitionSeconds: 600, concurrentExecutionLimit: 2 });
    onTestFinished(() => own.close());
    const errors: Array<{ operation: string; error: string }> = [];
    const refused = async (operation: string, body: Record<string, unknown> | string): Promise<void> => {
      const answer = await postRaw(
        own.simulator.endpoint,
        `SageMaker.${operation}`,
        typeof body === 'string' ? body : JSON.stringify(body),
      );
      if (answer.status !== 400)
        throw new Error(`${operation} was expected to be refused: ${answer.status} ${JSON.stringify(answer.body)}`);
      errors.push({ operation, error: String(answer.body['__type']) });
    };
    const name = uniqueName('errors');
    const steps = [
      jobStep('First', 'Processing', { DurationSeconds: 0 }),
      jobStep('Second', 'Training', { DurationSeconds: 1000 }, ['First']),
    ];
    await own.sagemaker.send(new CreatePipelineCommand({ PipelineName: name, RoleArn: ROLE_ARN, PipelineDefinition: definition(steps) }));
    const { PipelineExecutionArn: arn = '' } = await own.sagemaker.send(
      new StartPipelineExecutionCommand({ PipelineName: name, ClientRequestToken: randomUUID() }),
    );
    await own.sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: name, ClientRequestToken: randomUUID() }));
    await waitForStepStatus(own.sagemaker, arn, 'First', 'Succeeded');
    const unknownRun = `${arn.slice(0, arn.lastIndexOf('/'))}/000000000000`;

    // Act
    await refused('StopPipelineExecution', { PipelineExecutionArn: arn, ClientRequestToken: randomUUID() });
    await refused('StartPipelineExecution', { PipelineName: name, ClientRequestToken: randomUUID() });
    await refused('DeletePipeline', { PipelineName: name, ClientRequestToken: randomUUID() });
    await refused('StopPipelineExecution', { PipelineExecutionArn: unknownRun, ClientRequestToken: randomUUID() });
    await refused('DescribePipelineExecution', { PipelineExecutionArn: unknownRun });
    await refused('DescribePipeline', { PipelineName: 'absent' });
    await refused('DescribeTrainingJob', { TrainingJobName: 'absent' });
    await refused('StopProcessingJob', { ProcessingJobName: 'absent' });
    await refused('SendPipelineExecutionStepSuccess', { CallbackToken: 'abcdefghij', ClientRequestToken: randomUUID() });
    await refused('ListPipelineExecutionSteps', '{"PipelineExecutionArn": ');
    const checker = spawnSync('python3', [CHECKER], {
      input: errors.map((entry) => JSON.stringify(entry)).join('\n'),
      encoding: 'utf8',
      timeout: 60_000,
    });

    // Assess
    expect(errors.map(({ error }) => error)).toEqual([
      'ConflictException',
      'ResourceLimitExceeded',
      'ConflictException',
      'ResourceNotFound',
      'ResourceNotFound',
      'ResourceNotFound',
      'ResourceNotFound',
      'ResourceNotFound',
      'ValidationException',
      'SerializationException',
    ]);
    if (checker.status === 2) return; // botocore is not installed here: the codes above are what the SDK's model lists too
    expect(checker.status, checker.stderr).toBe(0);
    expect(checker.stdout.split('\n').filter(Boolean)).toEqual([]);
  });
});
