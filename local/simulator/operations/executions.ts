import { executionArn, newExecutionId } from '#local/simulator/arns.js';
import { resourceLimitExceeded, validationError } from '#local/simulator/errors.js';
import { MAX_RESULTS_LIMIT, paginate } from '#local/simulator/pagination.js';
import { CLIENT_REQUEST_TOKEN, PATTERNS, RequestReader } from '#local/simulator/validation.js';
import type { Execution, JsonObject } from '#local/simulator/types.js';
import type { OperationHandler } from './context.js';

export const startPipelineExecution: OperationHandler = (body, { store, engine, clock, scope, limits }) => {
  const request = new RequestReader(body);
  const nameOrArn = request.string('PipelineName', { required: true, minLength: 1, maxLength: 2048, pattern: PATTERNS.pipelineNameOrArn });
  const displayName = request.string('PipelineExecutionDisplayName', { minLength: 1, maxLength: 82, pattern: PATTERNS.pipelineName });
  const description = request.string('PipelineExecutionDescription', { maxLength: 3072 });
  const clientRequestToken = request.string('ClientRequestToken', { required: true, ...CLIENT_REQUEST_TOKEN });
  const parameters = request.nameValueList('PipelineParameters', 200) ?? [];
  request.assertValid();

  const pipeline = store.getPipeline(nameOrArn);
  const retried = store.executionsOf(pipeline).find((e) => e.clientRequestToken === clientRequestToken);
  if (retried) return { PipelineExecutionArn: retried.arn };

  const running = store.runningExecutionCount();
  if (running >= limits.concurrentExecutions) {
    // SageMaker's wording for an account quota (the request is refused; nothing is started).
    throw resourceLimitExceeded(
      `The account-level service limit 'Maximum number of concurrent pipeline executions' is ${limits.concurrentExecutions} Pipeline Executions, ` +
        `with current utilization of ${running} Pipeline Executions and a request delta of 1 Pipeline Executions. ` +
        'Please use AWS Service Quotas to request an increase for this quota.',
    );
  }
  const values = { ...pipeline.parameterDefaults };
  for (const { Name, Value } of parameters) {
    if (!(Name in pipeline.parameterDefaults)) {
      throw validationError(`Parameter '${Name}' is not defined in the definition of pipeline '${pipeline.name}'.`);
    }
    const type = pipeline.parameterTypes[Name];
    const fits =
      type === 'Integer'
        ? /^-?\d+$/.test(Value)
        : type === 'Float'
          ? Number.isFinite(Number(Value)) && Value.trim() !== ''
          : type === 'Boolean'
            ? Value === 'true' || Value === 'false'
            : true;
    if (!fits) throw validationError(`Parameter '${Name}' is of type ${type}; the value '${Value.slice(0, 100)}' is not one.`);
    values[Name] = Value;
  }
  const now = clock.nowSeconds();
  const id = newExecutionId();
  const execution: Execution = {
    arn: executionArn(scope, pipeline.name, id),
    id,
    pipeline,
    sequence: store.nextExecutionSequence(),
    displayName: displayName ?? `execution-${Math.round(now * 1000)}`,
    ...(description !== undefined ? { description } : {}),
    status: 'Executing',
    creationTime: now,
    lastModifiedTime: now,
    definitionJson: pipeline.definitionJson,
    parameters: values,
    clientRequestToken,
    steps: new Map(),
    stopClientRequestTokens: new Set(),
    discarded: false,
  };
  // Atomic: if starting the steps fails, the request fails and no run is left behind.
  store.addExecution(execution);
  try {
    engine.start(execution);
  } catch (error) {
    engine.discard(execution);
    store.removeExecution(execution);
    if (error instanceof RangeError) throw validationError(`The pipeline's arguments cannot be resolved (${error.message}).`);
    throw error;
  }
  pipeline.lastRunTime = now;
  return { PipelineExecutionArn: execution.arn };
};

export const describePipelineExecution: OperationHandler = (body, { store }) => {
  const execution = store.getExecution(readExecutionArn(body));
  const response: JsonObject = {
    PipelineArn: execution.pipeline.arn,
    PipelineExecutionArn: execution.arn,
    PipelineExecutionDisplayName: execution.displayName,
    PipelineExecutionStatus: execution.status,
    CreationTime: execution.creationTime,
    LastModifiedTime: execution.lastModifiedTime,
    PipelineVersionId: 1,
  };
  if (execution.description !== undefined) response['PipelineExecutionDescription'] = execution.description;
  if (execution.failureReason !== undefined) response['FailureReason'] = execution.failureReason;
  return response;
};

export const describePipelineDefinitionForExecution: OperationHandler = (body, { store }) => {
  const execution = store.getExecution(readExecutionArn(body));
  return { PipelineDefinition: execution.definitionJson, CreationTime: execution.creationTime };
};

export const listPipelineExecutions: OperationHandler = (body, { store }) => {
  const request = new RequestReader(body);
  const nameOrArn = request.string('PipelineName', { required: true, minLength: 1, maxLength: 2048, pattern: PATTERNS.pipelineNameOrArn });
  const createdAfter = request.timestamp('CreatedAfter');
  const createdBefore = request.timestamp('CreatedBefore');
  const sortBy = request.string('SortBy', { oneOf: ['CreationTime', 'PipelineExecutionArn'] }) ?? 'CreationTime';
  const sortOrder = request.string('SortOrder', { oneOf: ['Ascending', 'Descending'] }) ?? 'Descending';
  const nextToken = request.string('NextToken', { maxLength: 8192 });
  const maxResults = request.integer('MaxResults', { min: 1, max: MAX_RESULTS_LIMIT });
  request.assertValid();

  const pipeline = store.getPipeline(nameOrArn);
  const byArn = sortBy === 'PipelineExecutionArn';
  const keyOf = (e: Execution): string => (byArn ? e.arn : String(e.sequence));
  const executions = store
    .executionsOf(pipeline)
    .filter(
      (e) =>
        (createdAfter === undefined || e.creationTime > createdAfter) && (createdBefore === undefined || e.creationTime < createdBefore),
    )
    .sort((a, b) => (byArn ? a.arn.localeCompare(b.arn) : a.sequence - b.sequence));
  if (sortOrder === 'Descending') executions.reverse();

  const scope = `executions:${pipeline.arn}:${sortBy}:${sortOrder}`;
  const page = paginate(executions, keyOf, { scope, maxResults, nextToken });
  return {
    PipelineExecutionSummaries: page.items.map(summarize),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
};

function summarize(execution: Execution): JsonObject {
  const summary: JsonObject = {
    PipelineExecutionArn: execution.arn,
    StartTime: execution.creationTime,
    PipelineExecutionStatus: execution.status,
    PipelineExecutionDisplayName: execution.displayName,
  };
  if (execution.description !== undefined) summary['PipelineExecutionDescription'] = execution.description;
  if (execution.failureReason !== undefined) summary['PipelineExecutionFailureReason'] = execution.failureReason;
  return summary;
}

/** The `PipelineExecutionArn` member, validated (shared by several operations). */
export function readExecutionArn(body: JsonObject): string {
  const request = new RequestReader(body);
  const arn = request.string('PipelineExecutionArn', { required: true, maxLength: 2048, pattern: PATTERNS.pipelineExecutionArn });
  request.assertValid();
  return arn;
}
