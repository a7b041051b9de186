import { DescribePipelineExecutionCommand, StopPipelineExecutionCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { InvalidInput, isErrorNamed } from '#commons/errors.js';
import { PipelineExecutionNotFound, PipelineExecutionNotStopping } from '#pipeline-runs/errors.js';
import { parseStopRequest, type RequestDefaults } from './stop-request.js';
import type { Clock } from '#commons/clock.js';
import type { ExecutionStatus, GracefulStopState, StopRequest, StoppedState } from './model.js';
import { isNotExecutingError, isNotFoundError, unavailableAfterDeadline } from '#pipeline-runs/sagemaker-errors.js';
import { deriveClientRequestToken } from '#commons/tokens.js';
import { writeStopRecord, type StopRecords } from '#stop-records/stop-records.js';

export interface StopDependencies {
  sagemaker: SageMakerClient;
  clock: Clock;
  defaults: RequestDefaults;
  /** Where the stop says it is on the run: the stop watch leaves such runs alone, the run's end event wakes this stop. */
  stopRecords: StopRecords;
}

function notFound(request: StopRequest, cause: unknown): PipelineExecutionNotFound {
  return new PipelineExecutionNotFound(
    `SageMaker has no pipeline execution ${request.pipelineExecutionArn}; check the ARN, its region and account.`,
    cause,
  );
}

/**
 * Validates the input and requests the stop. The ClientRequestToken comes
 * from the Step Functions execution id, so a retried attempt is the same
 * request to SageMaker. ConflictException and throttling propagate by name
 * for the ASL Retry.
 */
export async function stopPipelineExecution(state: GracefulStopState, deps: StopDependencies): Promise<StoppedState> {
  const request = parseStopRequest(state.raw, deps.defaults);
  if (typeof state.executionId !== 'string' || state.executionId === '') {
    throw new InvalidInput('The state has no executionId; expected the Step Functions execution id ($$.Execution.Id).');
  }
  const requestedAt = deps.clock.now();
  // Until the stop is accepted, the deadline runs from the start of the execution.
  const startedAt =
    typeof state.startedAt === 'string' && Number.isFinite(Date.parse(state.startedAt))
      ? state.startedAt
      : new Date(requestedAt).toISOString();
  const unavailable = (operation: string, error: unknown): unknown =>
    unavailableAfterDeadline(error, {
      operation,
      pipelineExecutionArn: request.pipelineExecutionArn,
      maxWaitSeconds: request.maxWaitSeconds,
      elapsedSeconds: deps.clock.secondsSince(startedAt),
    });
  let accepted = true;
  let statusAtStop: ExecutionStatus | undefined;
  const describe = () =>
    describeStatus(deps.sagemaker, request).catch((describeError: unknown) => {
      throw isNotFoundError(describeError) ? notFound(request, describeError) : unavailable('DescribePipelineExecution', describeError);
    });
  const writeRecord = () =>
    writeStopRecord(deps.stopRecords, {
      pipelineExecutionArn: request.pipelineExecutionArn,
      stopExecutionArn: state.executionId,
      signalled: request.drainOnly !== true,
      at: new Date(requestedAt).toISOString(),
    });
  if (request.drainOnly) {
    // Someone else's stop is in effect: no second StopPipelineExecution, only its status.
    const status = await describe();
    if (status === 'Executing') {
      // Nobody is stopping this run: a drain would wait out the whole deadline for nothing.
      throw new PipelineExecutionNotStopping(
        `${request.pipelineExecutionArn} is Executing: nobody is stopping it, so drainOnly has nothing to drain; start the graceful stop without drainOnly to stop it.`,
      );
    }
    await writeRecord();
    return stoppedState(state, request, requestedAt, false, status);
  }
  await writeRecord();
  try {
    await deps.sagemaker.send(
      new StopPipelineExecutionCommand({
        PipelineExecutionArn: request.pipelineExecutionArn,
        ClientRequestToken: deriveClientRequestToken(state.executionId, 'stop'),
      }),
    );
  } catch (error) {
    if (isNotFoundError(error)) throw notFound(request, error);
    if (!isNotExecutingError(error)) {
      if (isErrorNamed(error, 'ValidationException')) {
        throw new InvalidInput(`SageMaker rejected the stop request: ${(error as Error).message}`, error);
      }
      throw unavailable('StopPipelineExecution', error);
    }
    accepted = false;
    statusAtStop = await describe();
  }
  return stoppedState(state, request, requestedAt, accepted, statusAtStop);
}

function stoppedState(
  state: GracefulStopState,
  request: StopRequest,
  requestedAt: number,
  accepted: boolean,
  statusAtStop: ExecutionStatus | undefined,
): StoppedState {
  return {
    ...state,
    request,
    stop: {
      requestedAt: new Date(requestedAt).toISOString(),
      deadlineAt: new Date(requestedAt + request.maxWaitSeconds * 1000).toISOString(),
      accepted,
      ...(statusAtStop ? { statusAtStop } : {}),
    },
    released: state.released ?? [],
  };
}

async function describeStatus(sagemaker: SageMakerClient, request: StopRequest): Promise<ExecutionStatus> {
  const response = await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: request.pipelineExecutionArn }));
  return (response.PipelineExecutionStatus ?? 'Executing') as ExecutionStatus;
}
