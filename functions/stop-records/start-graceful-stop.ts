/**
 * Starts a graceful stop of one run under a name derived from the run, so that however many
 * times an event arrives (EventBridge may deliver one twice, a rule may be retried), one
 * execution drains the run: Step Functions refuses a second execution of that name
 * (ExecutionAlreadyExists) for 90 days, and returns the running one when the input is the same.
 */
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { isErrorNamed } from '#commons/errors.js';
import { digestOf } from '#commons/tokens.js';
import { parsePipelineExecutionArn } from '#pipeline-runs/execution-arn.js';

/** Who started the stop: part of the execution's name, so the console shows why it runs. */
export type StopStarter = 'watch' | 'orphan' | 'limit';

/** `<starter>-<execution id>-<digest>`: ≤ 80 characters of [A-Za-z0-9-], one name per run and starter. */
export function gracefulStopNameOf(starter: StopStarter, pipelineExecutionArn: string): string {
  const { executionId } = parsePipelineExecutionArn(pipelineExecutionArn);
  const digest = digestOf(pipelineExecutionArn, 16);
  return `${starter}-${executionId.slice(0, 40)}-${digest}`;
}

export interface StartedStop {
  /** False when a stop of that name already exists: this event started nothing. */
  started: boolean;
  executionArn: string;
}

export async function startGracefulStop(
  sfn: SFNClient,
  stateMachineArn: string,
  starter: StopStarter,
  input: { pipelineExecutionArn: string } & Record<string, unknown>,
): Promise<StartedStop> {
  const name = gracefulStopNameOf(starter, input.pipelineExecutionArn);
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  try {
    const response = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return { started: true, executionArn: response.executionArn ?? executionArn };
  } catch (error) {
    if (isErrorNamed(error, 'ExecutionAlreadyExists')) return { started: false, executionArn };
    throw error;
  }
}
