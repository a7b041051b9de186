/** The shape of a fault spec and its validation (shared by code and the admin API). */
import { NamedError } from '#commons/errors.js';

export interface FaultSpec {
  /** ThrottlingException ("Rate exceeded") for the next N calls and/or above N calls per second. */
  throttle?: { tps?: number; nextCalls?: number };
  /** HTTP 500 `InternalFailure`. */
  serverError?: { nextCalls: number };
  /** The socket is destroyed without an answer. */
  connectionReset?: { nextCalls: number };
  /** Added real-time delay (not scaled) before the call is answered. */
  latencyMs?: number;
  /** ConflictException (SageMaker's transient "busy" answer, typical for StopPipelineExecution). */
  conflict?: { nextCalls: number };
  /** AccessDeniedException. */
  accessDenied?: { nextCalls: number };
  /** The connection is accepted and the request read, but no answer ever comes (until the client gives up). */
  hang?: { nextCalls: number };
  /** The next N calls are answered correctly, but only after `ms` real milliseconds. */
  slow?: { nextCalls: number; ms: number };
  /** An HTML error page with this HTTP status (default 502), as a proxy or load balancer returns it. */
  htmlServerError?: { nextCalls: number; status?: number };
}

export class FaultSpecError extends NamedError {
  constructor(message: string) {
    super('FaultSpecError', message);
  }
}

export const COUNTED_FAULTS = ['connectionReset', 'serverError', 'accessDenied', 'conflict', 'hang'] as const;
export type CountedFault = (typeof COUNTED_FAULTS)[number] | 'slow' | 'htmlServerError';
const FAULT_KEYS = [
  'throttle',
  'serverError',
  'connectionReset',
  'latencyMs',
  'conflict',
  'accessDenied',
  'hang',
  'slow',
  'htmlServerError',
] as const;
const HTML_ERROR_STATUSES = [500, 502, 503, 504];
const MAX_LATENCY_MS = 60_000;

/** Validates a fault spec from code or from the admin API and returns a private copy. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new FaultSpecError('A fault spec must be an object');
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!(FAULT_KEYS as readonly string[]).includes(key)) {
      throw new FaultSpecError(`Unknown fault '${key}'. Known faults: ${FAULT_KEYS.join(', ')}`);
    }
  }
  const spec: FaultSpec = {};
  if (raw['throttle'] !== undefined) {
    const throttle = readObject(raw['throttle'], 'throttle', ['tps', 'nextCalls']);
    const tps = throttle['tps'];
    const nextCalls = throttle['nextCalls'];
    if (tps === undefined && nextCalls === undefined) throw new FaultSpecError('throttle needs "tps" and/or "nextCalls"');
    spec.throttle = {};
    if (tps !== undefined) spec.throttle.tps = positiveNumber(tps, 'throttle.tps');
    if (nextCalls !== undefined) spec.throttle.nextCalls = positiveInteger(nextCalls, 'throttle.nextCalls');
  }
  for (const kind of COUNTED_FAULTS) {
    if (raw[kind] === undefined) continue;
    const fault = readObject(raw[kind], kind, ['nextCalls']);
    spec[kind] = { nextCalls: positiveInteger(fault['nextCalls'], `${kind}.nextCalls`) };
  }
  if (raw['slow'] !== undefined) {
    const slow = readObject(raw['slow'], 'slow', ['nextCalls', 'ms']);
    const ms = slow['ms'];
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_LATENCY_MS) {
      throw new FaultSpecError(`slow.ms must be a number of milliseconds between 0 and ${MAX_LATENCY_MS}`);
    }
    spec.slow = { nextCalls: positiveInteger(slow['nextCalls'], 'slow.nextCalls'), ms };
  }
  if (raw['htmlServerError'] !== undefined) {
    const html = readObject(raw['htmlServerError'], 'htmlServerError', ['nextCalls', 'status']);
    const status = html['status'] ?? 502;
    if (typeof status !== 'number' || !HTML_ERROR_STATUSES.includes(status)) {
      throw new FaultSpecError(`htmlServerError.status must be one of ${HTML_ERROR_STATUSES.join(', ')}`);
    }
    spec.htmlServerError = { nextCalls: positiveInteger(html['nextCalls'], 'htmlServerError.nextCalls'), status };
  }
  if (raw['latencyMs'] !== undefined) {
    const latency = raw['latencyMs'];
    if (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0 || latency > MAX_LATENCY_MS) {
      throw new FaultSpecError(`latencyMs must be a number between 0 and ${MAX_LATENCY_MS}`);
    }
    spec.latencyMs = latency;
  }
  return spec;
}

function readObject(value: unknown, name: string, allowed: string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FaultSpecError(`${name} must be an object like {"${allowed[0]}": 1}`);
  }
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw new FaultSpecError(`${name} has unknown field '${key}' (allowed: ${allowed.join(', ')})`);
  }
  return object;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new FaultSpecError(`${name} must be a positive integer`);
  }
  return value;
}

function positiveNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new FaultSpecError(`${name} must be a positive number`);
  }
  return value;
}
