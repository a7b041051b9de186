/**
 * The CLI's own read-only look at a pipeline execution while its graceful stop waits for the drain:
 * DescribePipelineExecution and the steps still draining. It changes nothing; every call is bounded
 * like the functions' (connection and request timeouts, 3 attempts), and the progress view takes at
 * most one look per heartbeat.
 */
import { DescribePipelineExecutionCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { parsePipelineExecutionArn } from '#pipeline-runs/execution-arn.js';
import { isDraining, listAllSteps, toStepView } from '#pipeline-runs/pipeline-steps.js';
import type { ExecutionLook } from './stop-view.js';

/** A look function for one run, its client in the run's own region (the ARN says which). */
export function executionLook(pipelineExecutionArn: string): { look: () => Promise<ExecutionLook>; close: () => void } {
  const { region } = parsePipelineExecutionArn(pipelineExecutionArn);
  const sagemaker = new SageMakerClient({ ...BOUNDED_CLIENT_OPTIONS, region });
  return {
    look: async () => {
      const execution = await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: pipelineExecutionArn }));
      const status = execution.PipelineExecutionStatus ?? 'Unknown';
      const ended = ['Stopped', 'Failed', 'Succeeded'].includes(status);
      const steps = ended ? [] : await listAllSteps(sagemaker, pipelineExecutionArn);
      return { status, draining: steps.filter(isDraining).map(toStepView), lookedAt: Date.now() };
    },
    close: () => sagemaker.destroy(),
  };
}
