import { conflict, validationError } from '#local/simulator/errors.js';
import { CLIENT_REQUEST_TOKEN, PATTERNS, RequestReader } from '#local/simulator/validation.js';
import type { OperationHandler } from './context.js';

export const stopPipelineExecution: OperationHandler = (body, { store, engine }) => {
  const request = new RequestReader(body);
  const arn = request.string('PipelineExecutionArn', { required: true, maxLength: 2048, pattern: PATTERNS.pipelineExecutionArn });
  const clientRequestToken = request.string('ClientRequestToken', { required: true, ...CLIENT_REQUEST_TOKEN });
  request.assertValid();

  const execution = store.getExecution(arn);
  // The same token again is a retry of a stop that already happened: answer as before.
  if (execution.stopClientRequestTokens.has(clientRequestToken)) return { PipelineExecutionArn: arn };
  if (execution.status !== 'Executing') {
    throw validationError(
      `Pipeline execution '${arn}' is in status '${execution.status}'. Only pipelines with 'Executing' status can be stopped.`,
    );
  }
  // Between two steps SageMaker cannot take the stop yet: a transient conflict, retried by the caller.
  if (engine.isBetweenSteps(execution)) {
    throw conflict(`Pipeline execution '${arn}' is starting its next step; retry the stop request.`);
  }
  execution.stopClientRequestTokens.add(clientRequestToken);
  engine.stop(execution);
  return { PipelineExecutionArn: arn };
};
