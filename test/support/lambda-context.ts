import type { Context } from 'aws-lambda';
import { localLambdaContext } from '#local/engine/lambda-context.js';

/** A fresh Lambda context for a handler invoked directly by a test. */
export const lambdaContext = (functionName = 'TestFunction'): Context =>
  localLambdaContext(`arn:aws:lambda:us-east-1:123456789012:function:${functionName}`);
