import { createPipeline, deletePipeline, describePipeline, listPipelines } from './pipelines.js';
import {
  describePipelineDefinitionForExecution,
  describePipelineExecution,
  listPipelineExecutions,
  startPipelineExecution,
} from './executions.js';
import { listPipelineExecutionSteps } from './steps.js';
import { stopPipelineExecution } from './stop.js';
import { sendPipelineExecutionStepFailure, sendPipelineExecutionStepSuccess } from './callbacks.js';
import type { OperationHandler } from './context.js';
import { JOB_OPERATIONS } from './jobs.js';
import { addTags, deleteTags, listTags } from './tags.js';

export type { OperationContext, OperationHandler } from './context.js';

/** The SageMaker operations the simulator answers, by `X-Amz-Target` suffix. */
export const OPERATIONS: Readonly<Record<string, OperationHandler>> = {
  CreatePipeline: createPipeline,
  DescribePipeline: describePipeline,
  DeletePipeline: deletePipeline,
  ListPipelines: listPipelines,
  StartPipelineExecution: startPipelineExecution,
  DescribePipelineExecution: describePipelineExecution,
  ListPipelineExecutions: listPipelineExecutions,
  ListPipelineExecutionSteps: listPipelineExecutionSteps,
  StopPipelineExecution: stopPipelineExecution,
  SendPipelineExecutionStepSuccess: sendPipelineExecutionStepSuccess,
  SendPipelineExecutionStepFailure: sendPipelineExecutionStepFailure,
  DescribePipelineDefinitionForExecution: describePipelineDefinitionForExecution,
  AddTags: addTags,
  ListTags: listTags,
  DeleteTags: deleteTags,
  ...JOB_OPERATIONS,
};

export const OPERATION_NAMES: readonly string[] = Object.keys(OPERATIONS);

export function findOperation(name: string): OperationHandler | undefined {
  return Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
}
