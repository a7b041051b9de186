import { NamedError, isErrorNamed } from './errors.js';

/** The HTTP status and a short, tag-free excerpt of a response the SDK could not read as an AWS error. */
interface RawResponse {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

/**
 * An AWS endpoint answered HTTP 5xx with a body that is not an AWS error
 * document (an HTML page from a proxy or load balancer): transient, so the
 * ASL retries it by this name like any other server error.
 */
export class ServerErrorResponse extends NamedError {
  constructor(
    readonly statusCode: number,
    message: string,
    cause?: unknown,
  ) {
    super('ServerErrorResponse', message, cause);
  }
}

/** Node's socket errors that mean "the endpoint cannot be reached right now": worth another attempt. */
export const NETWORK_ERROR_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
] as const;

/** A socket error, named by its code (ECONNREFUSED, ...) so the ASL retries it by name. */
export class NetworkError extends NamedError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, cause);
  }
}

/**
 * What keeps a call from leaving this machine at all: no credentials, no region, a host name that
 * does not resolve. On Lambda none of these happens; run locally, each gets a name and a sentence
 * instead of the SDK's `Error` or a JSON document as its message.
 */
export class CredentialsMissing extends NamedError {
  constructor(cause?: unknown) {
    super('CredentialsMissing', 'No AWS credentials were found (environment, profile, SSO or instance role).', cause);
  }
}
export class RegionMissing extends NamedError {
  constructor(cause?: unknown) {
    super('RegionMissing', 'No AWS region is set for the call.', cause);
  }
}
export class EndpointNotFound extends NamedError {
  constructor(host: string, cause?: unknown) {
    super('EndpointNotFound', `The endpoint's host name ${host || '(unknown)'} does not resolve.`, cause);
  }
}

/** The credentials, region or host-name failure behind `error`, named; undefined for any other error. */
export function toNamedSetupError(error: unknown): NamedError | undefined {
  if (!(error instanceof Error) || error instanceof NamedError) return undefined;
  const code = (error as { code?: unknown }).code;
  if (
    isErrorNamed(error as unknown, 'CredentialsProviderError') ||
    /Could not load credentials|Unable to locate credentials/i.test(error.message)
  ) {
    return new CredentialsMissing(error);
  }
  if (/Region is missing/i.test(error.message)) return new RegionMissing(error);
  if (code === 'ENOTFOUND' || /getaddrinfo ENOTFOUND/.test(error.message)) {
    return new EndpointNotFound(/ENOTFOUND (\S+)/.exec(error.message)?.[1] ?? (error as { hostname?: string }).hostname ?? '', error);
  }
  return undefined;
}

const statusOf = (error: Error): number | undefined => {
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  const response = (error as { $response?: RawResponse }).$response;
  return metadata?.httpStatusCode ?? response?.statusCode;
};

/**
 * A deserialization failure (SyntaxError and the like) on a 5xx answer
 * becomes ServerErrorResponse, a bare socket error a NetworkError named by
 * its code, each with one readable sentence; every other error is returned
 * as it is.
 */
export function toNamedServiceError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const setup = toNamedSetupError(error);
  if (setup) return setup;
  const code = (error as { code?: unknown }).code;
  const isServiceError = typeof (error as { $fault?: unknown }).$fault === 'string';
  // A timeout keeps its own name (TimeoutError carries code ETIMEDOUT too); only a bare socket error is renamed.
  const named =
    isServiceError || error instanceof NamedError || isErrorNamed(error as unknown, 'TimeoutError', 'RequestTimeout', 'AbortError');
  if (!named && typeof code === 'string' && (NETWORK_ERROR_CODES as readonly string[]).includes(code)) {
    return new NetworkError(code, `The endpoint could not be reached (${error.message}); it is retried like any network error.`, error);
  }
  const status = statusOf(error);
  if (status === undefined || status < 500 || isServiceError) return error;
  const contentType = (error as { $response?: RawResponse }).$response?.headers?.['content-type'] ?? 'an unknown content type';
  return new ServerErrorResponse(
    status,
    `The endpoint answered HTTP ${status} with ${contentType}, not an AWS error document (a proxy or load balancer in the way?); it is retried like any server error.`,
    error,
  );
}

/**
 * Errors worth another attempt: an AWS service's throttling and "busy" answers,
 * server errors (with or without an AWS error document), timeouts and reset
 * connections. A function that lets one escape hands it to Step Functions as one
 * TransientServiceError (the handler wrapper renames it), so each ASL retrier lists one name.
 */
export const TRANSIENT_ERROR_NAMES = [
  'ThrottlingException',
  'ConflictException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServerErrorResponse',
  'TimeoutError',
  'RequestTimeout',
  ...NETWORK_ERROR_CODES,
] as const;

export function isTransientError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    isErrorNamed(error, ...TRANSIENT_ERROR_NAMES) ||
    (typeof code === 'string' && (TRANSIENT_ERROR_NAMES as readonly string[]).includes(code))
  );
}

/**
 * A transient error as a state machine sees it: one name for all of TRANSIENT_ERROR_NAMES, so an
 * ASL retrier lists one name; the original error is the cause, and its name starts the message.
 */
export class TransientServiceError extends NamedError {
  constructor(readonly original: Error) {
    super('TransientServiceError', `${original.name}: ${original.message}`.slice(0, 1_000), original);
  }
}

/** What a step lets escape: a transient error as TransientServiceError, any other error as it is. */
export function toStepError(error: unknown): unknown {
  return error instanceof Error && !(error instanceof TransientServiceError) && isTransientError(error)
    ? new TransientServiceError(error)
    : error;
}

/**
 * A caught error told by the name and sentence its step first had: a TransientServiceError's message
 * is `<original name>: <original message>`, so a report names the throttling or server error itself.
 */
export function unwrapTransient(name: string, sentence: string): { name: string; sentence: string } {
  const match = name === 'TransientServiceError' ? /^([A-Za-z][\w.]*): ([\s\S]*)$/.exec(sentence) : null;
  return match ? { name: match[1] ?? name, sentence: match[2] ?? sentence } : { name, sentence };
}
