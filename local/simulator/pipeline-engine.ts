import { evaluateConditions } from './conditions.js';
import type { AccountScope } from './arns.js';
import { executionStatusChange, stepStatusChange, type SimulatorEvents } from './events.js';
import type { CallbackMessageSender } from './callback-queue.js';
import type { SimulationClock } from './clock.js';
import type { SimulatorStats } from './stats.js';
import { failStepMessage, newJobArnFor, stepKind } from './step-types.js';
import type { CallbackRegistration, SimulatorStore } from './store.js';
import type { Execution, ExecutionStatus, Job, NameValue, StepDefinition, StepRun, StepStatus } from './types.js';
import { noTimers, SimulatedJobs } from './simulated-jobs.js';
import { isSkipped, readySteps } from './step-graph.js';
import { deliverCallbackMessage, uniqueCallbackToken } from './callback-delivery.js';

export type CallbackAnswer = { outcome: 'success'; outputParameters?: NameValue[] } | { outcome: 'failure'; failureReason?: string };

export interface EngineDependencies {
  clock: SimulationClock;
  store: SimulatorStore;
  sender: CallbackMessageSender;
  scope: AccountScope;
  stats: SimulatorStats;
  /** Where SageMaker's EventBridge events go (absent: none are published). */
  events?: SimulatorEvents;
  /** Simulated seconds from a step's end to the start of the steps it let go (0: at once). */
  stepTransitionSeconds?: number;
}

/** SageMaker's FailureReason of a run whose step failed (the step's own FailureReason says why). */
export const STEP_FAILURE_REASON = 'Step failure: One or multiple steps failed.';
const isRunning = (step: StepRun): boolean => step.status === 'Starting' || step.status === 'Executing' || step.status === 'Stopping';

/**
 * The step scheduler. Starts steps whose DependsOn all Succeeded, finishes them
 * on (scaled) timers or callback answers, and moves the execution through
 * Executing → Succeeded | Failed, or Stopping → Stopped | Failed after a stop.
 * Every transition is synchronous; only timers and SQS deliveries are async.
 */
export class PipelineEngine {
  private disposed = false;
  private readonly jobs: SimulatedJobs;

  constructor(private readonly deps: EngineDependencies) {
    this.jobs = new SimulatedJobs({ clock: deps.clock, store: deps.store, isDisposed: () => this.disposed });
  }

  start(execution: Execution): void {
    this.deps.events?.publish(executionStatusChange(execution, undefined, this.deps.scope));
    this.startReadySteps(execution);
  }

  /**
   * Between steps: a step has ended, the steps it let go have not started yet, and no other step
   * runs. SageMaker answers a stop then with ConflictException (transient: retry it).
   */
  isBetweenSteps(execution: Execution): boolean {
    return execution.status === 'Executing' && (execution.transitionsPending ?? 0) > 0 && ![...execution.steps.values()].some(isRunning);
  }

  /** The caller has checked that the execution is Executing. */
  stop(execution: Execution): void {
    this.setExecutionStatus(execution, 'Stopping');
    for (const step of execution.steps.values()) {
      if (!isRunning(step)) continue;
      const kind = stepKind(step.definition.type);
      if (kind === 'lambda' || kind === 'synchronous') continue; // cannot be stopped: runs to completion (or its timeout)
      this.setStepStatus(execution, step, 'Stopping');
      if (kind === 'callback') {
        this.deliver(execution, step, 'Stopping');
      } else {
        step.cancelTimers();
        this.jobs.setStatus(step.job, 'Stopping');
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
    for (const step of execution.steps.values()) {
      step.cancelTimers();
      step.job?.cancelTimers();
    }
  }

  dispose(): void {
    this.disposed = true;
  }

  private startReadySteps(execution: Execution): void {
    if (execution.status !== 'Executing' || execution.discarded || execution.stepFailed) return;
    for (const definition of readySteps(execution)) this.startStep(execution, definition);
    this.settle(execution);
  }

  /** After a step succeeded: the steps it let go start once the transition's time has passed. */
  private startNextSteps(execution: Execution): void {
    const seconds = this.deps.stepTransitionSeconds ?? 0;
    if (seconds === 0 || readySteps(execution).length === 0) {
      this.startReadySteps(execution);
      return;
    }
    execution.transitionsPending = (execution.transitionsPending ?? 0) + 1;
    this.after(seconds, () => {
      execution.transitionsPending = (execution.transitionsPending ?? 1) - 1;
      if (!this.disposed) this.startReadySteps(execution);
    });
  }

  private startStep(execution: Execution, definition: StepDefinition): void {
    const step: StepRun = {
      definition,
      sequence: execution.steps.size + 1,
      status: 'Executing',
      startTime: this.deps.clock.nowSeconds(),
      cancelTimers: noTimers,
      delivery: Promise.resolve(),
      attemptCount: 1,
    };
    execution.steps.set(definition.name, step);
    this.touch(execution);
    this.deps.events?.publish(stepStatusChange(execution, step, undefined, this.deps.scope));
    const kind = stepKind(definition.type);
    if (kind === 'callback') {
      step.callbackToken = uniqueCallbackToken(this.deps.store);
      this.deps.store.registerCallback(step.callbackToken, { execution, stepName: definition.name });
      this.deliver(execution, step, 'Executing');
      return;
    }
    step.jobArn = newJobArnFor(this.deps.scope, execution, definition.name, definition.type);
    this.jobs.start(execution, step);
    const { durationSeconds, timeoutSeconds } = definition.simulation;
    if (kind === 'lambda' && durationSeconds >= timeoutSeconds) {
      step.cancelTimers = this.after(timeoutSeconds, () => this.timeOutLambda(execution, step));
    } else {
      step.cancelTimers = this.after(durationSeconds, () => this.finishAsSimulated(execution, step));
    }
  }

  private finishAsSimulated(execution: Execution, step: StepRun): void {
    const { type, simulation, arguments: args } = step.definition;
    // A failing attempt (the fault FailAttempts): retried when a RetryPolicy names its exception and has attempts left.
    if (step.attemptCount <= simulation.failAttempts) {
      const policy = step.definition.retryPolicies.find((candidate) => candidate.exceptionTypes.includes(simulation.failureException));
      if (policy && step.attemptCount < policy.maxAttempts) {
        this.touch(execution);
        const wait = policy.intervalSeconds * policy.backoffRate ** (step.attemptCount - 1);
        // The retry's wait is a pending timer: a stop cancels it, so no attempt starts after a stop.
        step.cancelTimers = this.after(wait, () => this.retryStep(execution, step));
        return;
      }
      this.finishStep(execution, step, 'Failed', `${simulation.failureException}: attempt ${step.attemptCount} failed`);
      return;
    }
    if (type === 'Condition') step.conditionOutcome = simulation.conditionOutcome ?? evaluateConditions(args['Conditions'], execution);
    if (simulation.outcome === 'Succeeded') {
      this.finishStep(execution, step, 'Succeeded');
    } else {
      this.finishStep(execution, step, 'Failed', type === 'Fail' ? failStepMessage(args) : simulation.failureReason);
    }
  }

  /** The next attempt of a step its retry policy retries: AttemptCount grows, the step runs its duration again. */
  private retryStep(execution: Execution, step: StepRun): void {
    if (this.disposed || execution.discarded || step.status !== 'Executing') return;
    step.attemptCount += 1;
    this.touch(execution);
    step.cancelTimers = this.after(step.definition.simulation.durationSeconds, () => this.finishAsSimulated(execution, step));
  }

  private timeOutLambda(execution: Execution, step: StepRun): void {
    const seconds = step.definition.simulation.timeoutSeconds;
    const reason = `Lambda step timed out after ${seconds} seconds`;
    if (execution.status === 'Stopping') execution.stopFailureReason = STEP_FAILURE_REASON;
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
    this.jobs.endWithStep(step, status);
    this.touch(execution);
    // Like SageMaker: a failed step starts no more steps, and the run ends Failed once the steps
    // running beside it have finished; the step's own FailureReason carries the detail.
    if (status === 'Failed' && execution.status === 'Executing') execution.stepFailed = true;
    if (execution.status === 'Executing' && !execution.stepFailed) this.startNextSteps(execution);
    else this.settle(execution);
  }

  /** Ends the execution once nothing is left to run (or to drain after a stop). */
  private settle(execution: Execution): void {
    const steps = [...execution.steps.values()];
    if (execution.status === 'Executing' && execution.stepFailed) {
      if (!steps.some(isRunning)) this.setExecutionStatus(execution, 'Failed', STEP_FAILURE_REASON);
    } else if (execution.status === 'Executing') {
      const allSucceeded = execution.pipeline.steps.every(
        (d) => execution.steps.get(d.name)?.status === 'Succeeded' || isSkipped(execution, d),
      );
      if (allSucceeded) this.setExecutionStatus(execution, 'Succeeded');
    } else if (execution.status === 'Stopping' && !steps.some(isRunning)) {
      if (execution.stopFailureReason) this.setExecutionStatus(execution, 'Failed', execution.stopFailureReason);
      else this.setExecutionStatus(execution, 'Stopped');
    }
  }

  private deliver(execution: Execution, step: StepRun, status: 'Executing' | 'Stopping'): void {
    deliverCallbackMessage(execution, step, status, {
      sender: this.deps.sender,
      stats: this.deps.stats,
      isDisposed: () => this.disposed,
      // Like SageMaker: a callback step whose message cannot be sent fails.
      onUndeliverable: (reason) => this.finishStep(execution, step, 'Failed', reason),
    });
  }

  /** StopTrainingJob and the like: Stopping, then Stopped after the job's stop duration. The caller has checked it is InProgress. */
  stopJob(job: Job): void {
    this.jobs.stop(job);
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
}
