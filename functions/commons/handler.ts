import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.js';

/**
 * Wraps a step's typed handler the Powertools way: every log line carries the
 * Lambda context (request id, cold start), and the keys an invocation appends
 * are reset when it ends, so a warm container never carries one execution's
 * keys into the next.
 */
export function lambdaHandler<Event, Result>(handler: (event: Event, context: Context) => Promise<Result>) {
  return middy(handler).use(injectLambdaContext(logger, { resetKeys: true }));
}
