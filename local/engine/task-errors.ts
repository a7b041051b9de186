/** How a Task fails as Step Functions reports it: a Lambda function's error, and a task past its TimeoutSeconds. */
import { NamedError } from '#commons/errors.js';

/**
 * A function error as Step Functions sees it through `lambda:invoke`: the
 * Error is the errorType (the thrown error's name) and the Cause is Lambda's
 * JSON error payload, not the bare message.
 */
export class LambdaFunctionError extends NamedError {
  constructor(thrown: unknown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    super(
      error.name,
      JSON.stringify({ errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') }),
      thrown,
    );
  }
}

/** A task that ran past its TimeoutSeconds, as Step Functions reports it. */
export class StatesTimeout extends NamedError {
  constructor(stateName: string, timeoutSeconds: number) {
    super('States.Timeout', `State "${stateName}" did not finish within its TimeoutSeconds (${timeoutSeconds} s).`);
  }
}

/**
 * Enforces a Task's TimeoutSeconds as Step Functions does: the state fails
 * with States.Timeout (for Retry/Catch) while the task itself may go on. In
 * simulated time (timeScale K) the limit passes K times sooner, like the sleeps.
 */
export async function withTaskTimeout<T>(
  task: Promise<T>,
  stateName: string,
  timeoutSeconds: number | undefined,
  timeScale: number,
): Promise<T> {
  if (timeoutSeconds === undefined) return task;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StatesTimeout(stateName, timeoutSeconds)), (timeoutSeconds * 1000) / timeScale);
  });
  try {
    return await Promise.race([task, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
