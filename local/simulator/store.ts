import { pipelineKey } from './arns.js';
import { resourceNotFound } from './errors.js';
import { isRunningExecution, type Execution, type Job, type JobKind, type Pipeline } from './types.js';

/** Where a callback token leads, and how it was answered (for idempotent retries). */
export interface CallbackRegistration {
  execution: Execution;
  stepName: string;
  answeredWith?: { clientRequestToken?: string };
}

/** In-memory state: pipelines, their executions and the open callback tokens. */
export class SimulatorStore {
  private readonly pipelines = new Map<string, Pipeline>();
  private readonly executions = new Map<string, Execution>();
  private readonly callbacks = new Map<string, CallbackRegistration>();
  /** Jobs by kind and name (a name is unique per kind, as in SageMaker). */
  private readonly jobs = new Map<string, Job>();
  private executionSequence = 0;

  addPipeline(pipeline: Pipeline): void {
    this.pipelines.set(pipelineKey(pipeline.name), pipeline);
  }

  findPipeline(nameOrArn: string): Pipeline | undefined {
    return this.pipelines.get(pipelineKey(nameOrArn));
  }

  /** Every pipeline, in the order they were created. */
  allPipelines(): Pipeline[] {
    return [...this.pipelines.values()];
  }

  getPipeline(nameOrArn: string): Pipeline {
    const pipeline = this.findPipeline(nameOrArn);
    if (!pipeline) throw resourceNotFound(`Pipeline '${nameOrArn}' does not exist.`);
    return pipeline;
  }

  /** Removes the pipeline with everything that belongs to it; returns its executions. */
  deletePipeline(pipeline: Pipeline): Execution[] {
    this.pipelines.delete(pipelineKey(pipeline.name));
    const removed = this.executionsOf(pipeline);
    for (const execution of removed) this.executions.delete(execution.arn);
    for (const [token, registration] of this.callbacks) {
      if (registration.execution.pipeline === pipeline) this.callbacks.delete(token);
    }
    return removed;
  }

  nextExecutionSequence(): number {
    this.executionSequence += 1;
    return this.executionSequence;
  }

  addExecution(execution: Execution): void {
    this.executions.set(execution.arn, execution);
  }

  /** Takes back an execution whose start failed: a failed request leaves nothing behind. */
  removeExecution(execution: Execution): void {
    this.executions.delete(execution.arn);
    for (const [token, registration] of this.callbacks) {
      if (registration.execution === execution) this.callbacks.delete(token);
    }
  }

  getExecution(arn: string): Execution {
    const execution = this.executions.get(arn);
    if (!execution) throw resourceNotFound(`Pipeline execution '${arn}' does not exist.`);
    return execution;
  }

  executionsOf(pipeline: Pipeline): Execution[] {
    return [...this.executions.values()].filter((e) => e.pipeline === pipeline);
  }

  /** Executions that count against the account's concurrent-execution quota. */
  runningExecutionCount(): number {
    let count = 0;
    for (const execution of this.executions.values()) if (isRunningExecution(execution)) count += 1;
    return count;
  }

  allExecutions(): Execution[] {
    return [...this.executions.values()];
  }

  pipelineCount(): number {
    return this.pipelines.size;
  }

  isCallbackTokenTaken(token: string): boolean {
    return this.callbacks.has(token);
  }

  registerCallback(token: string, registration: CallbackRegistration): void {
    this.callbacks.set(token, registration);
  }

  findCallback(token: string): CallbackRegistration | undefined {
    return this.callbacks.get(token);
  }

  addJob(job: Job): void {
    this.jobs.set(`${job.kind}/${job.name}`, job);
  }

  getJob(kind: JobKind, name: string): Job {
    const job = this.jobs.get(`${kind}/${name}`);
    if (!job) throw resourceNotFound(`Requested resource not found: ${kind} '${name}' does not exist.`);
    return job;
  }
}
