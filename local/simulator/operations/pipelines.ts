import { pipelineArn } from '#local/simulator/arns.js';
import { parsePipelineDefinition } from '#local/simulator/definition.js';
import { conflict, validationError } from '#local/simulator/errors.js';
import { CLIENT_REQUEST_TOKEN, PATTERNS, RequestReader } from '#local/simulator/validation.js';
import { MAX_RESULTS_LIMIT, paginate } from '#local/simulator/pagination.js';
import { isRunningExecution, type JsonObject } from '#local/simulator/types.js';
import type { OperationHandler } from './context.js';
import { readTags } from './tags.js';

export const createPipeline: OperationHandler = (body, { store, clock, scope }) => {
  const request = new RequestReader(body);
  const name = request.string('PipelineName', { required: true, minLength: 1, maxLength: 256, pattern: PATTERNS.pipelineName });
  const definitionJson = request.string('PipelineDefinition', { minLength: 1, maxLength: 1_048_576 });
  const roleArn = request.string('RoleArn', { required: true, minLength: 20, maxLength: 2048, pattern: PATTERNS.roleArn });
  const clientRequestToken = request.string('ClientRequestToken', { required: true, ...CLIENT_REQUEST_TOKEN });
  const displayName = request.string('PipelineDisplayName', { minLength: 1, maxLength: 256, pattern: PATTERNS.pipelineName });
  const description = request.string('PipelineDescription', { maxLength: 3072 });
  request.assertValid();
  const tags = readTags(body['Tags']);
  if (body['PipelineDefinitionS3Location'] !== undefined) {
    throw validationError('PipelineDefinitionS3Location is not supported by the simulator; pass PipelineDefinition inline.');
  }
  if (definitionJson === undefined) throw validationError('PipelineDefinition is required.');

  const existing = store.findPipeline(name);
  if (existing) {
    // A retry of the same request (same token) is idempotent, like the real service.
    if (existing.clientRequestToken === clientRequestToken) return { PipelineArn: existing.arn };
    throw validationError(`Pipeline names must be unique within an AWS account and region. Pipeline with name (${name}) already exists.`);
  }
  const { steps, parameterDefaults, parameterTypes } = parsePipelineDefinition(definitionJson);
  const now = clock.nowSeconds();
  const arn = pipelineArn(scope, name);
  store.addPipeline({
    name,
    arn,
    displayName: displayName ?? name,
    ...(description !== undefined ? { description } : {}),
    roleArn,
    definitionJson,
    steps,
    parameterDefaults,
    parameterTypes,
    clientRequestToken,
    creationTime: now,
    lastModifiedTime: now,
    ...(tags ? { tags } : {}),
  });
  return { PipelineArn: arn };
};

export const describePipeline: OperationHandler = (body, { store }) => {
  const request = new RequestReader(body);
  const nameOrArn = request.string('PipelineName', { required: true, minLength: 1, maxLength: 2048, pattern: PATTERNS.pipelineNameOrArn });
  request.assertValid();
  const pipeline = store.getPipeline(nameOrArn);
  const response: JsonObject = {
    PipelineArn: pipeline.arn,
    PipelineName: pipeline.name,
    PipelineDisplayName: pipeline.displayName,
    PipelineDefinition: pipeline.definitionJson,
    RoleArn: pipeline.roleArn,
    PipelineStatus: 'Active',
    CreationTime: pipeline.creationTime,
    LastModifiedTime: pipeline.lastModifiedTime,
    PipelineVersionId: 1,
  };
  if (pipeline.description !== undefined) response['PipelineDescription'] = pipeline.description;
  if (pipeline.lastRunTime !== undefined) response['LastRunTime'] = pipeline.lastRunTime;
  return response;
};

/** Deleting a pipeline deletes its executions: later calls about them get ResourceNotFound. */
export const deletePipeline: OperationHandler = (body, { store, engine }) => {
  const request = new RequestReader(body);
  const nameOrArn = request.string('PipelineName', { required: true, minLength: 1, maxLength: 2048, pattern: PATTERNS.pipelineNameOrArn });
  request.string('ClientRequestToken', { required: true, ...CLIENT_REQUEST_TOKEN });
  request.assertValid();
  const pipeline = store.getPipeline(nameOrArn);
  // Like SageMaker: a pipeline with executions still running (or stopping) cannot be deleted; stop them first.
  const running = store.executionsOf(pipeline).filter(isRunningExecution);
  if (running.length > 0) {
    throw conflict(
      `Pipeline '${pipeline.name}' has ${running.length} execution(s) in status Executing or Stopping; stop them and wait for them to end before deleting it.`,
    );
  }
  for (const execution of store.deletePipeline(pipeline)) engine.discard(execution);
  return { PipelineArn: pipeline.arn };
};

/** ListPipelines: by name prefix and creation time, sorted by Name or CreationTime, paginated like every List call. */
export const listPipelines: OperationHandler = (body, { store }) => {
  const request = new RequestReader(body);
  const prefix = request.string('PipelineNamePrefix', { minLength: 1, maxLength: 256, pattern: PATTERNS.pipelineName });
  const createdAfter = request.timestamp('CreatedAfter');
  const createdBefore = request.timestamp('CreatedBefore');
  const sortBy = request.string('SortBy', { oneOf: ['Name', 'CreationTime'] }) ?? 'CreationTime';
  const sortOrder = request.string('SortOrder', { oneOf: ['Ascending', 'Descending'] }) ?? 'Descending';
  const nextToken = request.string('NextToken', { maxLength: 8192 });
  const maxResults = request.integer('MaxResults', { min: 1, max: MAX_RESULTS_LIMIT });
  request.assertValid();
  const byName = sortBy === 'Name';
  const pipelines = store
    .allPipelines()
    .filter(
      (p) =>
        (prefix === undefined || p.name.startsWith(prefix)) &&
        (createdAfter === undefined || p.creationTime > createdAfter) &&
        (createdBefore === undefined || p.creationTime < createdBefore),
    )
    .sort((a, b) => (byName ? a.name.localeCompare(b.name) : a.creationTime - b.creationTime || a.name.localeCompare(b.name)));
  if (sortOrder === 'Descending') pipelines.reverse();
  const page = paginate(pipelines, (p) => p.name, { scope: `pipelines:${prefix ?? ''}:${sortBy}:${sortOrder}`, maxResults, nextToken });
  return {
    PipelineSummaries: page.items.map((p) => ({
      PipelineArn: p.arn,
      PipelineName: p.name,
      PipelineDisplayName: p.displayName,
      RoleArn: p.roleArn,
      CreationTime: p.creationTime,
      LastModifiedTime: p.lastModifiedTime,
      ...(p.description !== undefined ? { PipelineDescription: p.description } : {}),
      ...(p.lastRunTime !== undefined ? { LastExecutionTime: p.lastRunTime } : {}),
    })),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
};
