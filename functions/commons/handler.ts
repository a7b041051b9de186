import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.js';
import { metrics } from './metrics.js';
import { toStepError } from './service-errors.js';

/**
 * Wraps a step's typed handler the Powertools way: every log line carries the
 * Lambda context (request id, cold start), and the keys an invocation appends
 * are reset when it ends, so a warm container never carries one execution's
 * keys into the next; the metrics it added are published (one EMF log line)
 * when it ends, whether it succeeds or throws. A transient error that escapes is renamed
 * TransientServiceError (the original kept as its cause), the one name the ASL retries it by.
 */
export function lambdaHandler<Event, Result>(handler: (event: Event, context: Context) => Promise<Result>) {
  return middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use({
      onError: (request) => {
        request.error = toStepError(request.error) as Error;
      },
    });
}
