import { createHash } from 'node:crypto';

/**
 * A ClientRequestToken (32–128 chars) derived from the Step Functions
 * execution id, so every retry of the same call sends the same token and
 * SageMaker treats it as one request. Never a fresh UUID per attempt.
 */
export function deriveClientRequestToken(executionId: string, purpose: string): string {
  return createHash('sha256').update(`graceful-stop:${purpose}:${executionId}`).digest('hex');
}

/** The first `length` hex characters of the text's SHA-256: a fixed-length key with no character to escape. */
export function digestOf(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Shows only the last 3 characters of a callback token: enough to correlate, useless to replay. */
export function maskToken(token: string): string {
  return `***${token.slice(-3)}`;
}
