/**
 * The real stop-all ASL on the embedded engine, with the real handlers in-process, SageMaker mocked
 * and the ledgers in memory: the path a fleet takes (listing, signal and sweep cycles, summary), the
 * dry run, the listing's named failures and a transient error retried under its one name.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ListPipelineExecutionsCommand,
  ResourceNotFound,
  SageMakerServiceException,
  StopPipelineExecutionCommand,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-sagemaker';
import { mockedStopAll } from '#test/support/source-handlers.js';
import { FAST } from '#test/support/state-machine-paths.js';
import { caught, pathOf, retried } from '#test/support/run-path.js';

const { sagemaker, eventBridge, machine } = mockedStopAll();

const PIPELINE = 'nightly-scoring';
const runArn = (id: string): string => `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${PIPELINE}/execution/${id}`;
const STARTED = new Date(Date.now() - 3_600_000);
const run = (id: string, status: PipelineExecutionSummary['PipelineExecutionStatus']): PipelineExecutionSummary => ({
  PipelineExecutionArn: runArn(id),
  PipelineExecutionStatus: status,
  StartTime: STARTED,
});
const throttled = (): Error =>
  new SageMakerServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Rate exceeded',
  });

describe('stop-all state machine', () => {
  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
  });

  it('lists the running executions, signals each, sweeps until all ended, and summarises them Stopped', async () => {
    // Prepare: a run is Stopped once its own StopPipelineExecution came (whenever the sweep reads it).
    const stopped = new Set<string>();
    sagemaker.on(ListPipelineExecutionsCommand).callsFake(() => ({
      PipelineExecutionSummaries: ['aaa111', 'bbb222'].map((id) => run(id, stopped.has(runArn(id)) ? 'Stopped' : 'Executing')),
    }));
    sagemaker.on(StopPipelineExecutionCommand).callsFake((input: { PipelineExecutionArn: string }) => {
      stopped.add(input.PipelineExecutionArn);
      return { PipelineExecutionArn: input.PipelineExecutionArn };
    });

    // Act
    const result = await machine.run({ pipelineName: PIPELINE, maxWaitSeconds: 600 }, FAST);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const path = pathOf(result);
    expect(path.slice(0, 3)).toEqual(['Capture Input', 'List Running Executions', 'Dry Run?']);
    expect(path).toContain('Signal And Sweep');
    expect(path.slice(-2)).toEqual(['Summarise Stop All', 'Stop All Finished']);
    expect(sagemaker.commandCalls(StopPipelineExecutionCommand).map((call) => call.args[0].input.PipelineExecutionArn)).toEqual([
      runArn('aaa111'),
      runArn('bbb222'),
    ]);
    expect(result.output).toMatchObject({ selected: 2, signalled: 2, succeeded: 2, failed: 0, outcomes: { Stopped: 2 } });
  });

  it('stops nothing on a dry run: from the listing straight to the summary', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [run('aaa111', 'Executing')] });

    // Act
    const result = await machine.run({ pipelineName: PIPELINE, dryRun: true }, FAST);

    // Assess
    expect(pathOf(result)).toEqual(['Capture Input', 'List Running Executions', 'Dry Run?', 'Summarise Stop All', 'Stop All Finished']);
    expect(sagemaker.commandCalls(StopPipelineExecutionCommand)).toHaveLength(0);
    expect(result.output).toMatchObject({ dryRun: true, selected: 1, signalled: 0 });
  });

  it('ends Listing Failed, named PipelineNotFound, when SageMaker does not know the pipeline', async () => {
    // Prepare
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .rejects(new ResourceNotFound({ $metadata: { httpStatusCode: 400 }, message: `Pipeline ${PIPELINE} does not exist.` }));

    // Act
    const result = await machine.run({ pipelineName: PIPELINE }, FAST);

    // Assess
    expect(result.status).toBe('FAILED');
    expect(pathOf(result)).toEqual([
      'Capture Input',
      'List Running Executions',
      caught('List Running Executions'),
      'Read Listing Failure',
      'Listing Failed',
    ]);
    expect(result.error).toBe('PipelineNotFound');
  });

  it('ends Listing Failed, named InvalidInput, on a malformed request, without calling SageMaker', async () => {
    // Act
    const result = await machine.run({ pipelineName: 'not a pipeline name!' }, FAST);

    // Assess
    expect(pathOf(result)).toEqual([
      'Capture Input',
      'List Running Executions',
      caught('List Running Executions'),
      'Read Listing Failure',
      'Listing Failed',
    ]);
    expect(result.error).toBe('InvalidInput');
    expect(sagemaker.calls()).toHaveLength(0);
  });

  it('retries a throttled listing as TransientServiceError and goes on', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).rejectsOnce(throttled()).resolves({ PipelineExecutionSummaries: [] });

    // Act
    const result = await machine.run({ pipelineName: PIPELINE }, FAST);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(pathOf(result).slice(0, 4)).toEqual([
      'Capture Input',
      'List Running Executions',
      retried('List Running Executions'),
      'Dry Run?',
    ]);
    expect(result.history.filter((event) => event.type === 'TaskFailed').map((event) => event.taskFailedEventDetails?.error)).toEqual([
      'TransientServiceError',
    ]);
    expect(result.output).toMatchObject({ selected: 0, signalled: 0 });
  });
});
