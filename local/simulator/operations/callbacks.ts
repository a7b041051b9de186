import { validationError } from '#local/simulator/errors.js';
import type { CallbackAnswer } from '#local/simulator/pipeline-engine.js';
import type { CallbackRegistration } from '#local/simulator/store.js';
import { CLIENT_REQUEST_TOKEN, PATTERNS, RequestReader } from '#local/simulator/validation.js';
import type { JsonObject } from '#local/simulator/types.js';
import type { OperationContext, OperationHandler } from './context.js';

export const sendPipelineExecutionStepSuccess: OperationHandler = (body, context) => {
  const request = new RequestReader(body);
  const token = readCallbackToken(request);
  const outputParameters = request.nameValueList('OutputParameters', 50);
  const clientRequestToken = request.string('ClientRequestToken', CLIENT_REQUEST_TOKEN);
  request.assertValid();
  return answer(token, clientRequestToken, { outcome: 'success', ...(outputParameters ? { outputParameters } : {}) }, context);
};

export const sendPipelineExecutionStepFailure: OperationHandler = (body, context) => {
  const request = new RequestReader(body);
  const token = readCallbackToken(request);
  const failureReason = request.string('FailureReason', { maxLength: 256 });
  const clientRequestToken = request.string('ClientRequestToken', CLIENT_REQUEST_TOKEN);
  request.assertValid();
  return answer(token, clientRequestToken, { outcome: 'failure', ...(failureReason !== undefined ? { failureReason } : {}) }, context);
};

function readCallbackToken(request: RequestReader): string {
  return request.string('CallbackToken', { required: true, minLength: 10, maxLength: 10, pattern: PATTERNS.callbackToken });
}

/**
 * SageMaker's documentation does not say how an unknown or spent token is
 * rejected; the simulator answers ValidationException for both, except that a
 * retry carrying the ClientRequestToken of the accepted answer succeeds again.
 */
function answer(
  token: string,
  clientRequestToken: string | undefined,
  outcome: CallbackAnswer,
  { store, engine }: OperationContext,
): JsonObject {
  const registration = store.findCallback(token);
  if (!registration) throw validationError(`Callback token '${token}' is not valid: no pipeline execution step was given this token.`);
  const response = { PipelineExecutionArn: registration.execution.arn };
  if (!engine.isAwaitingCallback(registration)) {
    const isRetry = clientRequestToken !== undefined && registration.answeredWith?.clientRequestToken === clientRequestToken;
    if (isRetry) return response;
    throw validationError(
      `Callback token '${token}' can no longer be used: step '${registration.stepName}' is ${stepStatus(registration)}.`,
    );
  }
  registration.answeredWith = clientRequestToken !== undefined ? { clientRequestToken } : {};
  engine.answerCallback(registration, outcome);
  return response;
}

function stepStatus(registration: CallbackRegistration): string {
  return registration.execution.steps.get(registration.stepName)?.status ?? 'unknown';
}
