/**
 * The embedded engine's task tokens (`.waitForTaskToken`): a Task waits until its token is answered
 * (SendTaskSuccess / SendTaskFailure, here or through the local Step Functions API) or its timeout
 * passes. As on AWS, a token whose task is over - answered, timed out, or never issued - is refused
 * by name, so a late or duplicate answer changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { NamedError } from '#commons/errors.js';

/** What `$$.Task.Token` evaluates to before the runner puts the task's own token in its place. */
export const TASK_TOKEN_PLACEHOLDER = '<task token of this task>';

export class TaskTimedOut extends NamedError {
  constructor() {
    super('TaskTimedOut', 'The task of this token is over (answered or timed out).');
  }
}

export class InvalidToken extends NamedError {
  constructor() {
    super('InvalidToken', 'The provided token is not valid.');
  }
}

/** The task failed through SendTaskFailure: its error and cause, as the state's Retry/Catch see them. */
export class TaskFailedByToken extends NamedError {
  constructor(error: string, cause: string) {
    super(error, cause);
  }
}

interface Waiting {
  resolve(output: unknown): void;
  reject(error: Error): void;
}

export class LocalTaskTokens {
  private readonly waiting = new Map<string, Waiting>();
  private readonly issued = new Set<string>();

  /** A fresh token, and the promise of its answer. */
  issue(): { token: string; answered: Promise<unknown> } {
    const token = `local${randomBytes(48).toString('base64url')}`;
    this.issued.add(token);
    const answered = new Promise<unknown>((resolve, reject) => this.waiting.set(token, { resolve, reject }));
    // A task that timed out leaves its promise unawaited: never an unhandled rejection.
    answered.catch(() => undefined);
    return { token, answered };
  }

  /** The task is over without an answer (its timeout passed): a later answer is refused. */
  expire(token: string): void {
    this.waiting.delete(token);
  }

  succeed(token: string, output: string): void {
    this.take(token).resolve(JSON.parse(output) as unknown);
  }

  fail(token: string, error = '', cause = ''): void {
    this.take(token).reject(new TaskFailedByToken(error, cause));
  }

  /** Whether this registry issued the token (answered or not). */
  knows(token: string): boolean {
    return this.issued.has(token);
  }

  /** Tokens waiting for an answer now. */
  get pending(): number {
    return this.waiting.size;
  }

  private take(token: string): Waiting {
    const waiting = this.waiting.get(token);
    if (!waiting) throw this.issued.has(token) ? new TaskTimedOut() : new InvalidToken();
    this.waiting.delete(token);
    return waiting;
  }
}

/** Puts `token` wherever the task's parameters hold the placeholder of `$$.Task.Token`. */
export function withTaskToken(value: unknown, token: string): unknown {
  if (value === TASK_TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => withTaskToken(item, token));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withTaskToken(item, token)]));
  return value;
}
