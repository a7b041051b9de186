import { NamedError } from './errors.js';

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

const statusOf = (error: Error): number | undefined => {
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  const response = (error as { $response?: RawResponse }).$response;
  return metadata?.httpStatusCode ?? response?.statusCode;
};

/**
 * A deserialization failure (SyntaxError and the like) on a 5xx answer
 * becomes ServerErrorResponse with one readable sentence; every other error
 * is returned as it is.
 */
export function toNamedServiceError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const status = statusOf(error);
  const isServiceError = typeof (error as { $fault?: unknown }).$fault === 'string';
  if (status === undefined || status < 500 || isServiceError) return error;
  const contentType = (error as { $response?: RawResponse }).$response?.headers?.['content-type'] ?? 'an unknown content type';
  return new ServerErrorResponse(
    status,
    `The endpoint answered HTTP ${status} with ${contentType}, not an AWS error document (a proxy or load balancer in the way?); it is retried like any server error.`,
    error,
  );
}
