import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { optionalIntegerEnv } from './config.js';
import { toNamedServiceError } from './service-errors.js';
import { isErrorNamed } from './errors.js';
import { METRIC, MetricUnit, metrics } from './metrics.js';

/**
 * Every AWS call is bounded. A TCP connection inside a region is made in
 * milliseconds, so 3 s without one means the endpoint is unreachable;
 * DescribePipelineExecution, ListPipelineExecutionSteps, StopPipelineExecution
 * and PutEvents answer in well under a second, so 5 s of silence means a hung
 * endpoint. Either becomes a `TimeoutError`, which the SDK retries (3 attempts
 * in all) and the ASL Retry retries by name after that. One call therefore
 * takes at most CALL_BUDGET_MS before it throws.
 * GRACEFUL_STOP_REQUEST_TIMEOUT_MS overrides the request timeout (the local
 * fault tests use it to keep a hang short); it is never set on AWS.
 */
export const CONNECTION_TIMEOUT_MS = 3_000;
export const REQUEST_TIMEOUT_MS = optionalIntegerEnv('GRACEFUL_STOP_REQUEST_TIMEOUT_MS', { min: 100, max: 60_000 }) ?? 5_000;
export const SDK_MAX_ATTEMPTS = 3;
/** The SDK's backoff between its attempts stays under 1 s each for the first retries (base 100 ms, doubling, jittered). */
const SDK_BACKOFF_BUDGET_MS = 2_000;
export const CALL_BUDGET_MS = SDK_MAX_ATTEMPTS * (CONNECTION_TIMEOUT_MS + REQUEST_TIMEOUT_MS) + SDK_BACKOFF_BUDGET_MS;

/** Connection and request timeouts for one client; a long-polling client passes its poll time plus REQUEST_TIMEOUT_MS. */
export function boundedRequestHandler(requestTimeoutMs = REQUEST_TIMEOUT_MS) {
  // throwOnRequestTimeout: without it the handler only warns when requestTimeout passes, and waits on.
  return { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true } as const;
}

/** The options every client of ours is created with (the functions', the CLI's and the local cloud's). */
export const BOUNDED_CLIENT_OPTIONS = {
  maxAttempts: SDK_MAX_ATTEMPTS,
  requestHandler: boundedRequestHandler(),
} as const;

type MiddlewareClient = { middlewareStack: { add: (middleware: never, options: { step: 'initialize'; name: string }) => void } };

/** Outside the SDK's retries: a 5xx whose body is no AWS error document gets a name the ASL retries. */
export function withNamedServiceErrors<Client extends MiddlewareClient>(client: Client): Client {
  const middleware = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    try {
      return await next(args);
    } catch (error) {
      throw toNamedServiceError(error);
    }
  };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'namedServiceErrors' });
  return client;
}

/**
 * One SageMaker client per function, created at module scope. Adaptive retry
 * mode rate-limits the client itself after throttling, so many stops polling
 * at once back off instead of hammering the API; the ASL Retry is the outer,
 * bounded layer.
 */
export function createSageMakerClient(): SageMakerClient {
  const client = withNamedServiceErrors(new SageMakerClient({ ...BOUNDED_CLIENT_OPTIONS, retryMode: 'adaptive' }));
  // Inside the SDK's retries (same step, lower priority than the retry middleware): every throttled attempt counts.
  const countThrottles = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    try {
      return await next(args);
    } catch (error) {
      if (isErrorNamed(error, 'ThrottlingException')) metrics.addMetric(METRIC.sageMakerThrottles, MetricUnit.Count, 1);
      throw error;
    }
  };
  client.middlewareStack.add(countThrottles as never, { step: 'finalizeRequest', priority: 'low', name: 'countThrottles' });
  return client;
}

export function createEventBridgeClient(): EventBridgeClient {
  return withNamedServiceErrors(new EventBridgeClient({ ...BOUNDED_CLIENT_OPTIONS }));
}

/** Step Functions, for what starts graceful stops, reads a parent's history and ends waits by token. */
export function createStepFunctionsClient(): SFNClient {
  return withNamedServiceErrors(new SFNClient({ ...BOUNDED_CLIENT_OPTIONS }));
}
