import { resolveArguments } from './arguments.js';
import { newCallbackToken, type AccountScope } from './arns.js';
import { executionStatusChange, stepStatusChange, type SimulatorEvents } from './events.js';
import type { CallbackMessageSender } from './callback-queue.js';
import type { SimulationClock } from './clock.js';
import type { SimulatorStats } from './stats.js';
import { failStepMessage, newJobArnFor, stepKind } from './step-types.js';
import type { CallbackRegistration, SimulatorStore } from './store.js';
import type { Execution, ExecutionStatus, NameValue, StepDefinition, StepRun, StepStatus } from './types.js';

export type CallbackAnswer = { outcome: 'success'; outputParameters?: NameValue[] } | { outcome: 'failure'; failureReason?: string };

export interface EngineDependencies {
  clock: SimulationClock;
  store: SimulatorStore;
  sender: CallbackMessageSender;
  scope: AccountScope;
  stats: SimulatorStats;
  /** Where SageMaker's EventBridge events go (absent: none are published). */
  events?: SimulatorEvents;
}

const noTimers = (): void => undefined;
const isRunning = (step: StepRun): boolean =>
  step.status === 'Starting' || step.status === 'Executing' || step.status === 'Stopping';

/**
 * The step scheduler. Starts steps whose DependsOn all Succeeded, finishes them
 * on (scaled) timers or callback answers, and moves the execution through
 * Executing → Succeeded | Failed, or Stopping → Stopped | Failed after a stop.
 * Every transition is synchronous; only timers and SQS deliveries are async.
 */
export class PipelineEngine {
  private disposed = false;

  constructor(private readonly deps: EngineDependencies) {}

  start(execution: Execution): void {
    this.deps.events?.publish(executionStatusChange(execution, undefined, this.deps.scope));
    this.startReadySteps(execution);
  }

  /** The caller has checked that the execution is Executing. */
  stop(execution: Execution): void {
    this.setExecutionStatus(execution, 'Stopping');
    for (const step of execution.steps.values()) {
      if (!isRunning(step)) continue;
      const kind = stepKind(step.definition.type);
      if (kind === 'lambda') continue; // cannot be stopped: runs to completion or timeout
      this.setStepStatus(execution, step, 'Stopping');
      if (kind === 'callback') {
        this.deliver(execution, step, 'Stopping');
      } else {
        step.cancelTimers();
        step.cancelTimers = this.after(step.definition.simulation.stopDurationSeconds, () => this.finishStep(execution, step, 'Stopped'));
      }
    }
    this.settle(execution);
  }

  /** The caller has checked that the step still waits for its callback. */
  answerCallback(registration: CallbackRegistration, answer: CallbackAnswer): void {
    const { execution } = registration;
    const step = execution.steps.get(registration.stepName);
    if (!step || !isRunning(step)) return;
    const outputs = answer.outcome === 'success' ? answer.outputParameters : undefined;
    const reason = answer.outcome === 'failure' ? answer.failureReason || 'Callback step failed' : undefined;
    if (step.status === 'Stopping') {
      // A stopping callback step ends Stopped whichever answer it gets.
      this.finishStep(execution, step, 'Stopped', reason, outputs);
    } else {
      this.finishStep(execution, step, answer.outcome === 'success' ? 'Succeeded' : 'Failed', reason, outputs);
    }
  }

  isAwaitingCallback(registration: CallbackRegistration): boolean {
    const step = registration.execution.steps.get(registration.stepName);
    return !registration.execution.discarded && step !== undefined && isRunning(step);
  }

  /** The pipeline was deleted: cancel the execution's timers and ignore late events. */
  discard(execution: Execution): void {
    execution.discarded = true;
    for (const step of execution.steps.values()) step.cancelTimers();
  }

  dispose(): void {
    this.disposed = true;
  }

  private startReadySteps(execution: Execution): void {
    if (execution.status !== 'Executing' || execution.discarded) return;
    for (const definition of execution.pipeline.steps) {
      if (execution.steps.has(definition.name)) continue;
      const ready = definition.dependsOn.every((name) => execution.steps.get(name)?.status === 'Succeeded');
      if (ready) this.startStep(execution, definition);
    }
    this.settle(execution);
  }

  private startStep(execution: Execution, definition: StepDefinition): void {
    const step: StepRun = {
      definition,
      sequence: execution.steps.size + 1,
      status: 'Executing',
      startTime: this.deps.clock.nowSeconds(),
      cancelTimers: noTimers,
      delivery: Promise.resolve(),
    };
    execution.steps.set(definition.name, step);
    this.touch(execution);
    this.deps.events?.publish(stepStatusChange(execution, step, undefined, this.deps.scope));
    const kind = stepKind(definition.type);
    if (kind === 'callback') {
      step.callbackToken = this.uniqueCallbackToken();
      this.deps.store.registerCallback(step.callbackToken, { execution, stepName: definition.name });
      this.deliver(execution, step, 'Executing');
      return;
    }
    step.jobArn = newJobArnFor(this.deps.scope, execution, definition.name, definition.type);
    const { durationSeconds, timeoutSeconds } = definition.simulation;
    if (kind === 'lambda' && durationSeconds >= timeoutSeconds) {
      step.cancelTimers = this.after(timeoutSeconds, () => this.timeOutLambda(execution, step));
    } else {
      step.cancelTimers = this.after(durationSeconds, () => this.finishAsSimulated(execution, step));
    }
  }

  private finishAsSimulated(execution: Execution, step: StepRun): void {
    const { type, simulation, arguments: args } = step.definition;
    if (simulation.outcome === 'Succeeded') {
      this.finishStep(execution, step, 'Succeeded');
    } else {
      this.finishStep(execution, step, 'Failed', type === 'Fail' ? failStepMessage(args) : simulation.failureReason);
    }
  }

  private timeOutLambda(execution: Execution, step: StepRun): void {
    const seconds = step.definition.simulation.timeoutSeconds;
    const reason = `Lambda step timed out after ${seconds} seconds`;
    if (execution.status === 'Stopping') {
      execution.stopFailureReason = `Step failure: Lambda step '${step.definition.name}' timed out after ${seconds} seconds`;
    }
    this.finishStep(execution, step, 'Failed', reason);
  }

  private finishStep(
    execution: Execution,
    step: StepRun,
    status: StepStatus,
    failureReason?: string,
    outputParameters?: NameValue[],
  ): void {
    if (this.disposed || execution.discarded || !isRunning(step)) return;
    step.cancelTimers();
    step.cancelTimers = noTimers;
    step.endTime = this.deps.clock.nowSeconds();
    if (failureReason !== undefined) step.failureReason = failureReason;
    if (outputParameters !== undefined) step.outputParameters = outputParameters;
    this.setStepStatus(execution, step, status);
    this.touch(execution);
    if (status === 'Failed' && execution.status === 'Executing') {
      this.setExecutionStatus(execution, 'Failed', `Step failure: step '${step.definition.name}' failed: ${failureReason ?? 'unknown reason'}`);
      return;
    }
    if (execution.status === 'Executing') this.startReadySteps(execution);
    else this.settle(execution);
  }

  /** Ends the execution once nothing is left to run (or to drain after a stop). */
  private settle(execution: Execution): void {
    const steps = [...execution.steps.values()];
    if (execution.status === 'Executing') {
      const allSucceeded = execution.pipeline.steps.every((d) => execution.steps.get(d.name)?.status === 'Succeeded');
      if (allSucceeded) this.setExecutionStatus(execution, 'Succeeded');
    } else if (execution.status === 'Stopping' && !steps.some(isRunning)) {
      if (execution.stopFailureReason) this.setExecutionStatus(execution, 'Failed', execution.stopFailureReason);
      else this.setExecutionStatus(execution, 'Stopped');
    }
  }

  private deliver(execution: Execution, step: StepRun, status: 'Executing' | 'Stopping'): void {
    const queueUrl = step.definition.sqsQueueUrl ?? '';
    const message = {
      token: step.callbackToken ?? '',
      pipelineExecutionArn: execution.arn,
      arguments: resolveArguments(step.definition.arguments, execution),
      status,
    };
    step.delivery = step.delivery.then(async () => {
      if (this.disposed || execution.discarded) return;
      try {
        await this.deps.sender.send(queueUrl, message);
        this.deps.stats.countCallbackMessage(true);
      } catch (error) {
        this.deps.stats.countCallbackMessage(false);
        // Like SageMaker: a callback step whose message cannot be sent fails.
        if (status === 'Executing') {
          const reason = `Failed to send the callback message to ${queueUrl}: ${(error as Error).message}`.slice(0, 1024);
          this.finishStep(execution, step, 'Failed', reason);
        }
      }
    });
  }

  private setExecutionStatus(execution: Execution, status: ExecutionStatus, failureReason?: string): void {
    const previous = execution.status;
    execution.status = status;
    if (failureReason !== undefined) execution.failureReason = failureReason;
    this.touch(execution);
    if (previous !== status) this.deps.events?.publish(executionStatusChange(execution, previous, this.deps.scope));
  }

  private setStepStatus(execution: Execution, step: StepRun, status: StepStatus): void {
    const previous = step.status;
    step.status = status;
    if (previous !== status) this.deps.events?.publish(stepStatusChange(execution, step, previous, this.deps.scope));
  }

  private touch(execution: Execution): void {
    execution.lastModifiedTime = this.deps.clock.nowSeconds();
  }

  private after(seconds: number, action: () => void): () => void {
    const timer = this.deps.clock.afterSimulatedSeconds(seconds, action);
    return () => timer.cancel();
  }

  private uniqueCallbackToken(): string {
    let token = newCallbackToken();
    while (this.deps.store.isCallbackTokenTaken(token)) token = newCallbackToken();
    return token;
  }
}
