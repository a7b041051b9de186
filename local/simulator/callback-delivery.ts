/**
 * A callback step's messages to its queue: one when it starts (Executing) and one when its run is
 * stopped (Stopping), each after the step's earlier ones, with a token no other step holds. An
 * Executing message that cannot be sent fails the step, as on SageMaker.
 */
import { resolveArguments } from './arguments.js';
import { newCallbackToken } from './arns.js';
import type { CallbackMessageSender } from './callback-queue.js';
import type { SimulatorStats } from './stats.js';
import type { SimulatorStore } from './store.js';
import type { Execution, StepRun } from './types.js';

export interface DeliveryDependencies {
  sender: CallbackMessageSender;
  stats: SimulatorStats;
  isDisposed: () => boolean;
  /** The Executing message could not be sent: why, for the step's FailureReason. */
  onUndeliverable: (reason: string) => void;
}

export function deliverCallbackMessage(
  execution: Execution,
  step: StepRun,
  status: 'Executing' | 'Stopping',
  deps: DeliveryDependencies,
): void {
  const queueUrl = step.definition.sqsQueueUrl ?? '';
  const message = {
    token: step.callbackToken ?? '',
    pipelineExecutionArn: execution.arn,
    arguments: resolveArguments(step.definition.arguments, execution),
    status,
  };
  step.delivery = step.delivery.then(async () => {
    if (deps.isDisposed() || execution.discarded) return;
    try {
      await deps.sender.send(queueUrl, message);
      deps.stats.countCallbackMessage(true);
    } catch (error) {
      deps.stats.countCallbackMessage(false);
      if (status === 'Executing')
        deps.onUndeliverable(`Failed to send the callback message to ${queueUrl}: ${(error as Error).message}`.slice(0, 1024));
    }
  });
}

/** A callback token no step of the simulator holds. */
export function uniqueCallbackToken(store: SimulatorStore): string {
  let token = newCallbackToken();
  while (store.isCallbackTokenTaken(token)) token = newCallbackToken();
  return token;
}
