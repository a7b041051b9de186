/**
 * Tags of pipelines: AddTags, ListTags, DeleteTags on a pipeline's ARN, and the Tags of
 * CreatePipeline. Shapes and limits as botocore's SageMaker model gives them: a key of 1 to 128 and a
 * value of 0 to 256 characters of letters, digits, spaces and _.:/=+-@; at most 50 tags a request and
 * a resource; keys beginning `aws:` are AWS's. ListTags pages by MaxResults (at least 50).
 */
import { validationError } from '#local/simulator/errors.js';
import { RequestReader } from '#local/simulator/validation.js';
import type { JsonObject, JsonValue, Pipeline } from '#local/simulator/types.js';
import type { OperationContext, OperationHandler } from './context.js';

export const MAX_TAGS = 50;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const RESOURCE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+$/;
export type Tags = Array<{ Key: string; Value: string }>;

const quoted = (value: unknown): string => JSON.stringify(value)?.slice(0, 80) ?? String(value);

function checkText(text: unknown, field: string, min: number, max: number): string {
  if (typeof text !== 'string') throw validationError(`${field} is ${quoted(text)}; expected a string.`);
  if (text.length < min || text.length > max)
    throw validationError(
      `Value ${quoted(text)} at '${field}' failed to satisfy constraint: Member must have length between ${min} and ${max}`,
    );
  if (!TAG_TEXT.test(text))
    throw validationError(
      `Value ${quoted(text)} at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)`,
    );
  return text;
}

function checkKey(key: unknown, field: string): string {
  const checked = checkText(key, field, 1, 128);
  if (checked.toLowerCase().startsWith('aws:'))
    throw validationError(`Tag keys beginning with "aws:" are reserved for AWS use: ${quoted(checked)}.`);
  return checked;
}

/** A request's Tags (CreatePipeline, AddTags): at most 50, each key once. */
export function readTags(value: JsonValue | undefined, field = 'Tags'): Tags | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw validationError(`${field} is ${quoted(value)}; expected a list of {Key, Value}.`);
  if (value.length > MAX_TAGS)
    throw validationError(`Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS}`);
  const tags = value.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      throw validationError(`${field}.${index + 1} is ${quoted(item)}; expected {Key, Value}.`);
    return {
      Key: checkKey(item['Key'], `${field}.${index + 1}.member.Key`),
      Value: checkText(item['Value'] ?? '', `${field}.${index + 1}.member.Value`, 0, 256),
    };
  });
  const keys = new Set(tags.map((tag) => tag.Key));
  if (keys.size !== tags.length) throw validationError(`${field} names a key more than once; expected each key once.`);
  return tags;
}

function pipelineOf(body: JsonObject, { store }: OperationContext): Pipeline {
  const request = new RequestReader(body);
  const arn = request.string('ResourceArn', { required: true, maxLength: 256, pattern: RESOURCE_ARN });
  request.assertValid();
  const pipeline = store.allPipelines().find((candidate) => candidate.arn === arn);
  // The model lists no error for the tag operations: a resource that is not there is a ValidationException.
  if (!pipeline) throw validationError(`Resource ${arn} does not exist; the simulator tags pipelines.`);
  return pipeline;
}

/** Adds or overwrites; a resource holds at most 50 tags. */
export const addTags: OperationHandler = (body, context) => {
  const pipeline = pipelineOf(body, context);
  const added = readTags(body['Tags']);
  if (!added)
    throw validationError("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
  const merged = new Map((pipeline.tags ?? []).map((tag) => [tag.Key, tag.Value]));
  for (const tag of added) merged.set(tag.Key, tag.Value);
  if (merged.size > MAX_TAGS) throw validationError(`A resource holds at most ${MAX_TAGS} tags; this would make ${merged.size}.`);
  pipeline.tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
  return { Tags: added };
};

export const listTags: OperationHandler = (body, context) => {
  const pipeline = pipelineOf({ ResourceArn: body['ResourceArn'] ?? null }, context);
  const request = new RequestReader(body);
  const size = request.integer('MaxResults', { min: 50 }) ?? 50;
  const token = request.string('NextToken', { maxLength: 8192 });
  request.assertValid();
  const from = token === undefined ? 0 : Number(token);
  if (!Number.isInteger(from) || from < 0) throw validationError('NextToken is not one this service gave.');
  const tags = pipeline.tags ?? [];
  return { Tags: tags.slice(from, from + size), ...(from + size < tags.length ? { NextToken: String(from + size) } : {}) };
};

export const deleteTags: OperationHandler = (body, context) => {
  const pipeline = pipelineOf({ ResourceArn: body['ResourceArn'] ?? null }, context);
  const keys = body['TagKeys'];
  if (!Array.isArray(keys) || keys.length < 1 || keys.length > MAX_TAGS)
    throw validationError(`TagKeys is ${quoted(keys)}; expected a list of 1 to ${MAX_TAGS} keys.`);
  const removed = new Set(keys.map((key, index) => checkKey(key, `TagKeys.${index + 1}`)));
  pipeline.tags = (pipeline.tags ?? []).filter((tag) => !removed.has(tag.Key));
  return {};
};
