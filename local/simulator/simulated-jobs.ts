/**
 * The jobs behind job steps (training, processing, transform, ...): InProgress from the step's start,
 * ended with the step (or outliving it, as a fault), and stopped as StopTrainingJob and the like stop
 * them: Stopping, then Stopped after the job's stop duration, on the simulation clock.
 */
import type { SimulationClock } from './clock.js';
import { stepTypeInfo } from './step-types.js';
import type { SimulatorStore } from './store.js';
import type { Execution, Job, StepRun, StepStatus } from './types.js';

export const noTimers = (): void => undefined;

export class SimulatedJobs {
  constructor(private readonly deps: { clock: SimulationClock; store: SimulatorStore; isDisposed: () => boolean }) {}

  /** The job a job step runs: InProgress from the step's start. */
  start(execution: Execution, step: StepRun): void {
    const kind = stepTypeInfo(step.definition.type)?.jobKind;
    if (!kind || !step.jobArn) return;
    const now = this.deps.clock.nowSeconds();
    const job: Job = {
      kind,
      name: step.jobArn.slice(step.jobArn.lastIndexOf('/') + 1),
      arn: step.jobArn,
      status: 'InProgress',
      creationTime: now,
      lastModifiedTime: now,
      roleArn: execution.pipeline.roleArn,
      stopDurationSeconds: step.definition.simulation.stopDurationSeconds,
      cancelTimers: noTimers,
    };
    step.job = job;
    this.deps.store.addJob(job);
  }

  /**
   * The job ends as its step did - unless a fault keeps it running (JobOutlivesStepSeconds): then it
   * goes on InProgress, nobody watching, until its time is up or someone stops it.
   */
  endWithStep(step: StepRun, status: StepStatus): void {
    const job = step.job;
    if (!job || (job.status !== 'InProgress' && job.status !== 'Stopping')) return;
    const outlives = step.definition.simulation.jobOutlivesStepSeconds;
    if (outlives > 0) {
      job.status = 'InProgress';
      job.cancelTimers = this.after(outlives, () => this.end(job, 'Completed'));
      return;
    }
    this.end(
      job,
      status === 'Succeeded' ? 'Completed' : status === 'Failed' ? 'Failed' : 'Stopped',
      status === 'Failed' ? step.failureReason : undefined,
    );
  }

  /** StopTrainingJob and the like: Stopping, then Stopped after the job's stop duration. The caller has checked it is InProgress. */
  stop(job: Job): void {
    job.cancelTimers();
    this.setStatus(job, 'Stopping');
    job.cancelTimers = this.after(job.stopDurationSeconds, () => this.end(job, 'Stopped'));
  }

  private end(job: Job, status: 'Completed' | 'Failed' | 'Stopped', failureReason?: string): void {
    if (this.deps.isDisposed()) return;
    job.cancelTimers();
    job.cancelTimers = noTimers;
    if (failureReason !== undefined) job.failureReason = failureReason;
    job.endTime = this.deps.clock.nowSeconds();
    this.setStatus(job, status);
  }

  setStatus(job: Job | undefined, status: Job['status']): void {
    if (!job) return;
    job.status = status;
    job.lastModifiedTime = this.deps.clock.nowSeconds();
  }

  private after(seconds: number, action: () => void): () => void {
    const timer = this.deps.clock.afterSimulatedSeconds(seconds, action);
    return () => timer.cancel();
  }
}
