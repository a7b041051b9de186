import { MAX_RESULTS_LIMIT, paginate } from '#local/simulator/pagination.js';
import { stepMetadata } from '#local/simulator/step-types.js';
import { PATTERNS, RequestReader } from '#local/simulator/validation.js';
import type { Execution, JsonObject, StepRun } from '#local/simulator/types.js';
import type { OperationHandler } from './context.js';

/** Lists the steps that have started, newest first by default; paginated. */
export const listPipelineExecutionSteps: OperationHandler = (body, { store }) => {
  const request = new RequestReader(body);
  // Optional in the API model, but there is nothing to list without it.
  const arn = request.string('PipelineExecutionArn', { required: true, maxLength: 2048, pattern: PATTERNS.pipelineExecutionArn });
  const nextToken = request.string('NextToken', { maxLength: 8192 });
  const maxResults = request.integer('MaxResults', { min: 1, max: MAX_RESULTS_LIMIT });
  const sortOrder = request.string('SortOrder', { oneOf: ['Ascending', 'Descending'] }) ?? 'Descending';
  request.assertValid();

  const execution = store.getExecution(arn);
  const steps = [...execution.steps.values()].sort((a, b) => a.sequence - b.sequence);
  if (sortOrder === 'Descending') steps.reverse();
  const page = paginate(steps, (step) => String(step.sequence), { scope: `steps:${arn}:${sortOrder}`, maxResults, nextToken });
  return {
    PipelineExecutionSteps: page.items.map((step) => describeStep(step, execution)),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
};

function describeStep(step: StepRun, execution: Execution): JsonObject {
  const { definition } = step;
  const out: JsonObject = {
    StepName: definition.name,
    StartTime: step.startTime,
    StepStatus: step.status,
    AttemptCount: step.attemptCount,
    Metadata: stepMetadata(step, execution),
  };
  if (definition.displayName !== undefined) out['StepDisplayName'] = definition.displayName;
  if (definition.description !== undefined) out['StepDescription'] = definition.description;
  if (step.endTime !== undefined) out['EndTime'] = step.endTime;
  if (step.failureReason !== undefined) out['FailureReason'] = step.failureReason;
  return out;
}
