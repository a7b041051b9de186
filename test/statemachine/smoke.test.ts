import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { createGracefulStopMachine } from '../../local/engine/graceful-stop.js';
import { sourceHandlers } from '../support/source-handlers.js';

const sagemaker = mockClient(SageMakerClient);
const arn = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/demo/execution/abc123def456';

describe('graceful-stop state machine (smoke)', () => {
  beforeEach(() => sagemaker.reset());

  it('stops, waits while Stopping, and ends Stopped', async () => {
    // Prepare
    sagemaker.on(StopPipelineExecutionCommand).resolves({ PipelineExecutionArn: arn });
    sagemaker
      .on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: 'Stopping' })
      .resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [] });
    const machine = createGracefulStopMachine(sourceHandlers);
    // Act
    const result = await machine.run({ pipelineExecutionArn: arn }, { timeScale: 1000 });
    // Assess
    expect(result.error ?? '', result.cause).toBe('');
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped', polls: 2 });
    const entered = result.events.filter((e) => e.type === 'StateEntered').map((e) => e.state?.name);
    expect(entered).toEqual([
      'Capture Input', 'Stop Pipeline Execution', 'Check Pipeline Execution', 'Pipeline Drained?', 'Wait For Drain',
      'Check Pipeline Execution', 'Pipeline Drained?', 'Report Outcome', 'Publish Completion Event', 'Ended Well?', 'Graceful Stop Succeeded',
    ]);
  });
});
