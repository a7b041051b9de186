import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SageMakerError, serializationError, validationError } from './errors.js';
import type { JsonObject, JsonValue } from './types.js';

/** The AWS JSON 1.1 wire format: bodies, errors and the target header. */

export const CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const TARGET_PREFIX = 'SageMaker.';

/** Reads the whole body; an oversized body is drained (so the client sees an answer) and rejected. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  if (size > MAX_BODY_BYTES) throw validationError(`Request body exceeds ${MAX_BODY_BYTES} bytes.`);
  return Buffer.concat(chunks).toString('utf8');
}

/** Deeper JSON than this is refused with a ValidationException before anything acts on it. */
export const MAX_JSON_DEPTH = 64;

/** The nesting depth of a JSON value, measured without recursion (so any depth is safe to measure). */
export function jsonDepth(value: JsonValue): number {
  let deepest = 0;
  const stack: Array<[JsonValue, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [JsonValue, number];
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(node)) stack.push([child as JsonValue, depth + 1]);
  }
  return deepest;
}

/** A ValidationException when `value` nests deeper than MAX_JSON_DEPTH. */
export function assertShallow(value: JsonValue, what: string): void {
  const depth = jsonDepth(value);
  if (depth > MAX_JSON_DEPTH) throw validationError(`${what} nests ${depth} levels deep; expected at most ${MAX_JSON_DEPTH}.`);
}

/** An empty body counts as `{}`; anything but a JSON object is a SerializationException, as AWS JSON services answer. */
export function parseJsonObject(text: string): JsonObject {
  if (text.trim() === '') return {};
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (error) {
    throw serializationError(`Malformed request body: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw serializationError('Malformed request body: expected a JSON object.');
  }
  assertShallow(value, 'The request body');
  return value;
}

/** `SageMaker.DescribePipeline` → `DescribePipeline`; anything else → undefined. */
export function operationFromTarget(target: string | string[] | undefined): string | undefined {
  if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) return undefined;
  return target.slice(TARGET_PREFIX.length);
}

export function sendJson(response: ServerResponse, status: number, body: object, contentType = CONTENT_TYPE): void {
  if (response.headersSent || response.destroyed) return;
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(payload);
}

export function sendError(response: ServerResponse, error: SageMakerError, contentType = CONTENT_TYPE): void {
  sendJson(response, error.httpStatus, { __type: error.code, message: error.message }, contentType);
}

/** What unexpected exceptions turn into: the client sees a 500, the server keeps running. */
export const internalFailure = (): SageMakerError =>
  new SageMakerError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
