/**
 * The EventBridge events the stop watch, the orphan guard and the wake-up read, validated at the
 * boundary: a malformed event is an InvalidInput naming the field and what was expected.
 *
 * SageMaker publishes `SageMaker Model Building Pipeline Execution Status Change` (source
 * `aws.sagemaker`) with `currentPipelineExecutionStatus`, `previousPipelineExecutionStatus` and
 * `pipelineExecutionArn` in its detail; Step Functions publishes `Step Functions Execution Status
 * Change` (source `aws.states`) with `status`, `executionArn` and `stateMachineArn`. Delivery is
 * best effort: what they trigger must also hold when an event is lost or comes twice.
 */
import { InvalidInput } from '#commons/errors.js';
import { EXECUTION_STATUSES, type ExecutionStatus } from './pipeline-execution.js';
import { describeValue, isPlainObject } from '#commons/validation.js';
import { parsePipelineExecutionArn } from './execution-arn.js';

export const SAGEMAKER_SOURCE = 'aws.sagemaker';
export const EXECUTION_STATUS_CHANGE = 'SageMaker Model Building Pipeline Execution Status Change';
export const STEP_FUNCTIONS_SOURCE = 'aws.states';
export const STEP_FUNCTIONS_STATUS_CHANGE = 'Step Functions Execution Status Change';
/** How a Step Functions execution can end without finishing what it started. */
export const UNFINISHED_WORKFLOW_STATUSES = ['ABORTED', 'TIMED_OUT', 'FAILED'] as const;
export type UnfinishedWorkflowStatus = (typeof UNFINISHED_WORKFLOW_STATUSES)[number];

export interface RunStatusChange {
  pipelineExecutionArn: string;
  pipelineName: string;
  status: ExecutionStatus;
  previousStatus?: ExecutionStatus;
}

export interface WorkflowEnd {
  executionArn: string;
  stateMachineArn: string;
  status: UnfinishedWorkflowStatus;
}

function detailOf(raw: unknown, source: string, detailType: string): Record<string, unknown> {
  if (!isPlainObject(raw)) throw new InvalidInput(`The event is ${describeValue(raw)}; expected an EventBridge event from ${source}.`);
  if (raw.source !== source || raw['detail-type'] !== detailType) {
    throw new InvalidInput(
      `The event is ${describeValue(raw['detail-type'])} from ${describeValue(raw.source)}; expected "${detailType}" from ${source}.`,
    );
  }
  if (!isPlainObject(raw.detail)) throw new InvalidInput(`The event's detail is ${describeValue(raw.detail)}; expected an object.`);
  return raw.detail;
}

function statusOf(value: unknown, field: string): ExecutionStatus {
  if (typeof value !== 'string' || !(EXECUTION_STATUSES as readonly string[]).includes(value)) {
    throw new InvalidInput(`The event's ${field} is ${describeValue(value)}; expected one of ${EXECUTION_STATUSES.join(', ')}.`);
  }
  return value as ExecutionStatus;
}

/** A SageMaker pipeline execution status change. */
export function parseRunStatusChange(raw: unknown): RunStatusChange {
  const detail = detailOf(raw, SAGEMAKER_SOURCE, EXECUTION_STATUS_CHANGE);
  const arn = parsePipelineExecutionArn(detail.pipelineExecutionArn, 'detail.pipelineExecutionArn');
  const status = statusOf(detail.currentPipelineExecutionStatus, 'detail.currentPipelineExecutionStatus');
  const previous = detail.previousPipelineExecutionStatus;
  return {
    pipelineExecutionArn: detail.pipelineExecutionArn as string,
    pipelineName: arn.pipelineName,
    status,
    ...(previous === undefined || previous === null
      ? {}
      : { previousStatus: statusOf(previous, 'detail.previousPipelineExecutionStatus') }),
  };
}

const STATES_EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_.-]{1,80}:[A-Za-z0-9_.-]{1,80}$/;
const STATES_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_.-]{1,80}$/;

/** A Step Functions execution that ended ABORTED, TIMED_OUT or FAILED. */
export function parseWorkflowEnd(raw: unknown): WorkflowEnd {
  const detail = detailOf(raw, STEP_FUNCTIONS_SOURCE, STEP_FUNCTIONS_STATUS_CHANGE);
  const { executionArn, stateMachineArn, status } = detail;
  if (typeof executionArn !== 'string' || !STATES_EXECUTION_ARN.test(executionArn)) {
    throw new InvalidInput(`The event's detail.executionArn is ${describeValue(executionArn)}; expected a Step Functions execution ARN.`);
  }
  if (typeof stateMachineArn !== 'string' || !STATES_MACHINE_ARN.test(stateMachineArn)) {
    throw new InvalidInput(
      `The event's detail.stateMachineArn is ${describeValue(stateMachineArn)}; expected a Step Functions state machine ARN.`,
    );
  }
  if (typeof status !== 'string' || !(UNFINISHED_WORKFLOW_STATUSES as readonly string[]).includes(status)) {
    throw new InvalidInput(
      `The event's detail.status is ${describeValue(status)}; expected one of ${UNFINISHED_WORKFLOW_STATUSES.join(', ')}.`,
    );
  }
  return { executionArn, stateMachineArn, status: status as UnfinishedWorkflowStatus };
}
