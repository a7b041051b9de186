/**
 * Entry point "console": the input docs/starting.md tells users to paste in the
 * Step Functions console (and to pass to start-execution) runs on the real
 * graceful-stop ASL with the source handlers, SageMaker mocked.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { parseStopRequest } from '#graceful-stop/stop-request.js';
import { parseStopAllRequest } from '#stop-all/stop-all-request.js';
import { mockedGracefulStop } from '#test/support/source-handlers.js';
import { FAST, expectSucceeded } from '#test/support/state-machine-paths.js';
import { codeBlocks, section, shellArguments } from '#test/support/doc-examples.js';

const { sagemaker, eventBridge, machine } = mockedGracefulStop();

describe('console start (docs/starting.md "Console")', () => {
  const consoleInput = JSON.parse(codeBlocks(section('Console'), 'json')[0] ?? '') as Record<string, unknown>;

  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
  });

  it('documents the same input for the console and for aws stepfunctions start-execution', () => {
    // Prepare
    const cliInputs = shellArguments(section('Console'), '--input');
    // Act
    const parsed = cliInputs.map((text) => JSON.parse(text) as unknown);
    // Assess
    expect(parsed).toEqual([consoleInput]);
  });

  it('stops the pipeline execution named by the documented input and ends Stopped', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: String(consoleInput.pipelineExecutionArn) });
    sagemaker
      .on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: 'Stopping' })
      .resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [] });

    // Act
    const result = await machine.run(consoleInput, FAST);

    // Assess
    const output = expectSucceeded(result);
    expect(output).toMatchObject({
      pipelineExecutionArn: consoleInput.pipelineExecutionArn,
      outcome: 'Stopped',
      reason: consoleInput.reason,
    });
    expect(sagemaker.commandCalls(StopPipelineExecutionCommand)[0]?.args[0].input.PipelineExecutionArn).toBe(
      consoleInput.pipelineExecutionArn,
    );
  });

  it('documents only valid inputs for start-execution anywhere in the guide', () => {
    // Prepare
    const stopInputs = shellArguments(section('Console'), '--input');
    const stopAllInputs = shellArguments(section('Stop all'), '--input');
    // Act
    const parsedStops = stopInputs.map((text) => parseStopRequest(JSON.parse(text), { maxWaitSeconds: 900 }));
    const parsedStopAll = stopAllInputs.map((text) => parseStopAllRequest(JSON.parse(text)));
    // Assess
    expect(parsedStops).toHaveLength(1);
    expect(parsedStopAll).toEqual([
      { pipelineName: 'training', olderThanSeconds: 3600, signalRatePerSecond: 10, dryRun: false, reason: 'release 2026.11' },
    ]);
  });
});
