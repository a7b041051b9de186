/**
 * Runs the cells of the fault matrix. Every cell gets its OWN SageMaker
 * simulator (its own account id, so its own ARNs), pipeline, execution,
 * callback queue and poller; the handler bundles reach all simulators through
 * one routing interceptor. So a cell's injected faults hit only its own
 * graceful stop, exactly as many times as the table says, and all cells run
 * side by side. Every run is raced against its row's deadline, and every cell
 * is cleaned up (poller stopped, execution ended, simulator closed) before
 * its result is handed out.
 */
import {
  CreatePipelineCommand,
  DeletePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  SendPipelineExecutionStepFailureCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  type PipelineExecutionStep,
} from '@aws-sdk/client-sagemaker';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { isErrorNamed } from '#commons/errors.js';
import {
  startCallbackPoller,
  type CallbackPoller,
  type CallbackPollerStats,
  type SqsBatchHandler,
} from '#local/event-source/sqs-event-source.js';
import type { EventLog, LocalStateMachine, RunResult } from '#local/engine/runner.js';
import { startSageMakerSimulator, type SageMakerSimulator } from '#local/simulator/index.js';
import { waitFor, withDeadline, type Bounded } from '#local/bounded.js';
import type { SageMakerInterceptor } from './sagemaker-interceptor.js';
import { DEFAULT_LAMBDA, RETRY_INTERVAL_MS, TIME_SCALE, cellId, type Cell } from './fault-table.js';

export interface MatrixEnvironment {
  /** The one SageMaker endpoint the handler bundles know; it routes each cell's calls to the cell's simulator. */
  interceptor: SageMakerInterceptor;
  sqsEndpoint: string;
  /** The graceful-stop state machine and reference consumer most cells share (one set of bundle instances). */
  shared: Container;
  /** A container of the cell's own (fresh bundle instances), for rows with `ownContainers`. */
  ownContainer: (tag: string) => Promise<Container>;
  sqs: SQSClient;
  /** Sees every engine event of every cell (for debugging a cell). */
  trace?: (cellId: string, event: EventLog) => void;
}

/** What a set of "Lambda containers" runs: the state machine over the handler bundles, and the consumer bundle. */
export interface Container {
  machine: LocalStateMachine;
  consumer: SqsBatchHandler;
}

export interface CellResult {
  id: string;
  run: Bounded<RunResult>;
  /** The last state the execution entered (a Succeed or Fail state when it ended). */
  finalState?: string;
  /** Poller statistics after it was stopped (callback scenarios only). */
  poller?: CallbackPollerStats;
  /** The mid-run action happened (it must, when the row has one). */
  midRunDone: boolean;
  /**
   * Which of the scenario's steps were still draining after the stop was
   * accepted: they ended after it, or were still running when looked at.
   */
  drained: { callback: boolean; lambda: boolean };
  /** The simulator faults the cell's own simulator injected. */
  faultsInjected: Record<string, number>;
  /** The pipeline execution once the cell was cleaned up: a terminal status, or NotFound when deleted. */
  executionAfterCleanup: string;
  /** The cell's simulator closed (all its timers cancelled). */
  simulatorClosed: boolean;
  /** Real ms spent preparing, running and cleaning up. */
  timings: { prepareMs: number; runMs: number; cleanupMs: number };
}

const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:fault-matrix-export';
const DRAINING = ['Executing', 'Stopping'];
const TERMINAL = ['Stopped', 'Failed', 'Succeeded'];
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

let counter = 0;

function pipelineDefinition(cell: Cell, queueUrl: string | undefined): string {
  const { scenario, fault } = cell;
  const steps: Record<string, unknown>[] = [];
  if (scenario.callback) {
    steps.push({ Name: 'Approve', Type: 'Callback', Arguments: { job: 'approve' }, SqsQueueUrl: queueUrl, OutputParameters: [] });
  }
  if (scenario.lambda) {
    steps.push({
      Name: 'Export',
      Type: 'Lambda',
      FunctionArn: LAMBDA_ARN,
      Arguments: {},
      OutputParameters: [],
      Simulation: {
        DurationSeconds: fault.lambda?.durationSeconds ?? DEFAULT_LAMBDA.durationSeconds,
        TimeoutSeconds: fault.lambda?.timeoutSeconds ?? DEFAULT_LAMBDA.timeoutSeconds,
      },
    });
  }
  // A long job after the draining steps: a stop that lands late still finds the run Executing.
  steps.push({
    Name: 'Publish',
    Type: 'Training',
    Arguments: {},
    DependsOn: steps.map((step) => step.Name),
    Simulation: { DurationSeconds: 3_600 },
  });
  return JSON.stringify({ Version: '2020-12-01', Metadata: {}, Parameters: [], Steps: steps });
}

async function listSteps(sagemaker: SageMakerClient, arn: string): Promise<PipelineExecutionStep[]> {
  const { PipelineExecutionSteps = [] } = await sagemaker.send(
    new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn, MaxResults: 100 }),
  );
  return PipelineExecutionSteps;
}

const statusOf = (body: string): string | undefined => {
  const parsed = JSON.parse(body) as { status?: unknown };
  return typeof parsed.status === 'string' ? parsed.status : undefined;
};

/** One cell, from its simulator to its cleanup. */
class CellRun {
  readonly id: string;
  private readonly name: string;
  private readonly accountId: string;
  private simulator?: SageMakerSimulator;
  /** Straight to the cell's simulator (no interceptor); used only while no fault is armed, or by mid-run actions of rows without one. */
  private sagemaker?: SageMakerClient;
  private queueUrl?: string;
  private arn = '';
  private token?: string;
  private poller?: CallbackPoller;
  private readonly stopAccepted: Promise<void>;
  private markStopAccepted!: () => void;
  private readonly deleted: Promise<void>;
  private markDeleted!: () => void;
  private midRunDone = false;
  private stoppingSeen = false;
  /** When Stop Pipeline Execution began: the earliest the stop can land (a slow or retried call lands before it returns). */
  private stopRequestedAt?: number;
  private readonly drained = { callback: false, lambda: false };
  private readonly startedAt = Date.now();
  private preparedAt?: number;
  private ranAt?: number;
  private readonly heldExecuting: string[] = [];
  private readonly copied = new Set<string>();
  private container: Container;

  constructor(
    private readonly cell: Cell,
    private readonly env: MatrixEnvironment,
    container: Container,
  ) {
    counter += 1;
    this.id = cellId(cell);
    this.name = `fault-matrix-${counter}`;
    this.accountId = String(100_000_000_000 + counter);
    this.stopAccepted = new Promise((resolve) => (this.markStopAccepted = resolve));
    this.deleted = new Promise((resolve) => (this.markDeleted = resolve));
    this.container = container;
  }

  private get client(): SageMakerClient {
    if (!this.sagemaker) throw new Error(`${this.id}: not prepared`);
    return this.sagemaker;
  }

  /** Simulator up and routed, consumer polling, pipeline created, execution started, draining steps running. */
  async prepare(): Promise<void> {
    const { scenario } = this.cell;
    this.simulator = await startSageMakerSimulator({ timeScale: TIME_SCALE, sqsEndpoint: this.env.sqsEndpoint, accountId: this.accountId });
    this.sagemaker = new SageMakerClient({
      endpoint: this.simulator.endpoint,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 3,
    });
    this.env.interceptor.route(this.accountId, this.simulator.endpoint);
    if (scenario.callback) {
      this.queueUrl = await this.createQueueWithDeadLetterQueue();
      this.poller = startCallbackPoller({
        sqsEndpoint: this.env.sqsEndpoint,
        queueUrl: this.queueUrl,
        handler: (event, context) => this.consume(event.Records, context),
        waitTimeSeconds: 1,
        visibilityTimeoutSeconds: 1,
        maxRunMilliseconds: 60_000,
      });
    }
    await this.client.send(
      new CreatePipelineCommand({
        PipelineName: this.name,
        RoleArn: `arn:aws:iam::${this.accountId}:role/fault-matrix`,
        PipelineDefinition: pipelineDefinition(this.cell, this.queueUrl),
      }),
    );
    // Last, so the Lambda step's simulated time starts right before the graceful stop does.
    const { PipelineExecutionArn } = await this.client.send(new StartPipelineExecutionCommand({ PipelineName: this.name }));
    this.arn = PipelineExecutionArn ?? '';
    const expected = [scenario.callback ? 'Approve' : undefined, scenario.lambda ? 'Export' : undefined].filter(Boolean);
    const steps = await waitFor(
      `${this.id}: steps ${expected.join(', ')} executing`,
      () => listSteps(this.client, this.arn),
      (list) => expected.every((name) => list.some((step) => step.StepName === name && step.StepStatus === 'Executing')),
    );
    this.token = steps.find((step) => step.StepName === 'Approve')?.Metadata?.Callback?.CallbackToken;
    if (this.token) this.env.interceptor.routeToken(this.token, this.accountId);
    this.preparedAt = Date.now();
  }

  /** The step's queue, redriving to a DLQ after 5 receives; a failed record is visible again after 1 s. */
  private async createQueueWithDeadLetterQueue(): Promise<string> {
    const { sqs } = this.env;
    const { QueueUrl: dlq } = await sqs.send(new CreateQueueCommand({ QueueName: `${this.name}-dlq` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }));
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: this.name,
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 5 }),
        },
      }),
    );
    if (!QueueUrl) throw new Error(`${this.id}: CreateQueue returned no URL`);
    return QueueUrl;
  }

  /** The consumer side: the row's delivery faults, then the reference consumer (or silence). */
  private async consume(records: SQSRecord[], context: Parameters<SqsBatchHandler>[1]) {
    const { fault } = this.cell;
    const forward: SQSRecord[] = [];
    for (const record of records) {
      const status = statusOf(record.body);
      if (fault.delivery === 'duplicate' && !this.copied.has(record.body)) {
        this.copied.add(record.body);
        for (let copy = 0; copy < 2; copy += 1) {
          await this.env.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: record.body }));
        }
      }
      if (fault.delivery === 'stopping-before-executing' && status === 'Executing' && !this.stoppingSeen) {
        // Consumed now, delivered again after "Stopping".
        this.heldExecuting.push(record.body);
        continue;
      }
      if (status === 'Stopping') {
        this.stoppingSeen = true;
        if (fault.midRun === 'delete-pipeline-while-draining') await withDeadline(this.deleted, 5_000);
      }
      forward.push(record);
    }
    if ((fault.consumer ?? 'answers') === 'silent' || forward.length === 0) return { batchItemFailures: [] };
    const response = await this.container.consumer({ Records: forward }, context);
    if (this.stoppingSeen) {
      for (const body of this.heldExecuting.splice(0)) {
        await this.env.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
      }
    }
    return response ?? { batchItemFailures: [] };
  }

  /** The row's simulator fault armed on this cell's simulator, the graceful stop raced against the row's deadline, the fault cleared. */
  async run(): Promise<Bounded<RunResult>> {
    const { fault } = this.cell;
    if (fault.simulatorFault) this.simulator?.faults.set(fault.simulatorFault.operation, fault.simulatorFault.spec);
    // Handled from the start (withDeadline never rejects), awaited after the run.
    const midRun = withDeadline(this.startMidRunAction(), fault.deadlineMs + 5_000);
    const input = {
      pipelineExecutionArn: this.arn,
      reason: `fault matrix: ${this.id}`,
      maxWaitSeconds: 600,
      ...fault.input,
    };
    const run = await withDeadline(
      this.container.machine.run(input, {
        timeScale: TIME_SCALE,
        retryIntervalMs: RETRY_INTERVAL_MS,
        executionName: this.name,
        onEvent: (event) => {
          this.env.trace?.(this.id, event);
          if (event.type === 'StateEntered' && event.state?.name === 'Stop Pipeline Execution') this.stopRequestedAt ??= Date.now();
          if (event.type === 'StateExited' && event.state?.name === 'Stop Pipeline Execution') this.markStopAccepted();
        },
      }),
      fault.deadlineMs,
    );
    this.simulator?.faults.clear();
    this.ranAt = Date.now();
    const action = await midRun;
    this.midRunDone = action.settled === 'resolved' && action.value;
    return run;
  }

  private async startMidRunAction(): Promise<boolean> {
    const { fault } = this.cell;
    if (fault.midRun === 'delete-pipeline-while-draining') {
      await withDeadline(this.stopAccepted, fault.deadlineMs);
      const steps = await listSteps(this.client, this.arn);
      const draining = steps.some(
        (step) => ['Approve', 'Export'].includes(step.StepName ?? '') && DRAINING.includes(step.StepStatus ?? ''),
      );
      this.noteDrain(steps);
      // SageMaker refuses it while the execution runs: the refusal is the expected answer.
      const refused = await this.client
        .send(new DeletePipelineCommand({ PipelineName: this.name, ClientRequestToken: `delete-${this.name}-0000000000000000` }))
        .then(
          () => false,
          (error: unknown) => isErrorNamed(error, 'ConflictException'),
        );
      if (!refused) throw new Error(`${this.id}: DeletePipeline of a running pipeline was not refused with ConflictException`);
      this.markDeleted();
      return draining;
    }
    if (fault.midRun === 'answer-callback-before-release') {
      const token = this.token;
      const hook = this.env.interceptor.beforeForward(
        (call) => call.operation === 'SendPipelineExecutionStepFailure' && call.body.CallbackToken === token,
        async () => {
          await this.client.send(
            new SendPipelineExecutionStepFailureCommand({
              CallbackToken: token,
              FailureReason: 'Answered by a late consumer before the release',
            }),
          );
        },
      );
      const ran = await withDeadline(hook, fault.deadlineMs);
      return ran.settled === 'resolved';
    }
    return true;
  }

  /** A scenario step drained when it was still running, or ended, after the stop was requested. */
  private noteDrain(steps: PipelineExecutionStep[]): void {
    if (this.stopRequestedAt === undefined) return;
    for (const [name, key] of [
      ['Approve', 'callback'],
      ['Export', 'lambda'],
    ] as const) {
      const step = steps.find((candidate) => candidate.StepName === name);
      if (!step) continue;
      const endedAt = step.EndTime?.getTime();
      if (endedAt === undefined ? DRAINING.includes(step.StepStatus ?? '') : endedAt >= this.stopRequestedAt) this.drained[key] = true;
    }
  }

  /** Poller stopped, execution ended (stopped and callback answered if the run left it going), simulator closed. */
  async cleanUp(run: Bounded<RunResult>): Promise<CellResult> {
    const cleanupStartedAt = Date.now();
    const stopped = this.poller ? await withDeadline(this.poller.stop(), 5_000) : undefined;
    const poller = this.poller?.stats();
    if (stopped?.settled === 'timedOut' && poller) poller.running = true;
    // A cleanup that fails is reported in the result (and fails the cell's test), not thrown past the other cells.
    const executionAfterCleanup = await this.endExecution().catch((error: unknown) => `CleanupFailed: ${(error as Error).message}`);
    const faultsInjected = this.simulator?.stats().faultsInjected ?? {};
    this.env.interceptor.unroute(this.accountId);
    this.sagemaker?.destroy();
    const closed = this.simulator ? await withDeadline(this.simulator.close(), 5_000) : undefined;
    const events = run.settled === 'resolved' ? run.value.events : [];
    const finalState = events.filter((event) => event.type === 'StateEntered').at(-1)?.state?.name;
    return {
      id: this.id,
      run,
      ...(finalState ? { finalState } : {}),
      ...(poller ? { poller } : {}),
      midRunDone: this.midRunDone,
      drained: { ...this.drained },
      timings: {
        prepareMs: (this.preparedAt ?? cleanupStartedAt) - this.startedAt,
        runMs: this.ranAt === undefined ? 0 : this.ranAt - (this.preparedAt ?? this.ranAt),
        cleanupMs: Date.now() - cleanupStartedAt,
      },
      faultsInjected: faultsInjected as Record<string, number>,
      executionAfterCleanup,
      simulatorClosed: closed?.settled === 'resolved',
    };
  }

  private async describe(): Promise<string> {
    try {
      const { PipelineExecutionStatus } = await this.client.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: this.arn }));
      return PipelineExecutionStatus ?? 'Unknown';
    } catch (error) {
      if (isErrorNamed(error, 'ResourceNotFound')) return 'NotFound';
      throw error;
    }
  }

  private async endExecution(): Promise<string> {
    if (!this.arn) return 'NotStarted';
    if (this.cell.fault.midRun !== 'delete-pipeline-while-draining') this.noteDrain(await listSteps(this.client, this.arn));
    let status = await this.describe();
    if (status === 'Executing') {
      await this.client.send(
        new StopPipelineExecutionCommand({ PipelineExecutionArn: this.arn, ClientRequestToken: `cleanup-${this.name}-000000000000000000` }),
      );
      status = await this.describe();
    }
    if (status === 'Stopping' && this.token) {
      const approve = (await listSteps(this.client, this.arn)).find((step) => step.StepName === 'Approve');
      if (DRAINING.includes(approve?.StepStatus ?? '')) {
        await this.client.send(
          new SendPipelineExecutionStepFailureCommand({ CallbackToken: this.token, FailureReason: 'fault matrix cleanup' }),
        );
      }
    }
    if (status === 'NotFound') return status;
    return waitFor(
      `${this.id}: execution ended`,
      () => this.describe(),
      (value) => TERMINAL.includes(value) || value === 'NotFound',
      { intervalMs: 20 },
    );
  }
}

const failed = (cell: Cell, error: unknown): CellResult => ({
  id: cellId(cell),
  run: { settled: 'rejected', error, ms: 0 },
  midRunDone: false,
  drained: { callback: false, lambda: false },
  faultsInjected: {},
  executionAfterCleanup: 'Unknown',
  simulatorClosed: false,
  timings: { prepareMs: 0, runMs: 0, cleanupMs: 0 },
});

async function runCell(cell: Cell, env: MatrixEnvironment, container: Container): Promise<CellResult> {
  const run = new CellRun(cell, env, container);
  try {
    await run.prepare();
  } catch (error) {
    return run.cleanUp({ settled: 'rejected', error, ms: 0 });
  }
  return run.cleanUp(await run.run());
}

export interface MatrixRun {
  /** The result of one cell. */
  result(id: string): Promise<CellResult>;
  /** Resolves when every cell has its result. */
  done: Promise<void>;
}

/**
 * Cells running at once. Every cell's simulator, engine and handlers share this one process: with all
 * 52 at once, a request to a simulator waits behind the other cells' work for longer than any request
 * timeout on a slow or busy machine. Six at a time keeps each cell's calls prompt; the matrix as a
 * whole still takes well under its budget.
 */
export const CELL_CONCURRENCY = 6;

/** Runs `task`s with at most `limit` at once, in the order they were queued. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  const next = (): void => {
    if (running >= limit) return;
    const start = queue.shift();
    if (start) start();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        running += 1;
        task()
          .then(resolve, reject)
          .finally(() => {
            running -= 1;
            next();
          });
      });
      next();
    });
}

/**
 * Starts the matrix in the background: loads the cells' own containers
 * first (rows with `ownContainers`), then runs the cells, CELL_CONCURRENCY
 * at a time. Never rejects: a cell that cannot even be prepared resolves to a
 * `rejected` run.
 */
export function startMatrix(cells: Cell[], env: MatrixEnvironment): MatrixRun {
  const containers = Promise.all(
    cells.map((cell, index) => (cell.fault.ownContainers ? env.ownContainer(`cell-${index}`) : Promise.resolve(env.shared))),
  );
  const slot = limiter(CELL_CONCURRENCY);
  const results = new Map(
    cells.map((cell, index) => {
      const result = containers
        .then((loaded) => slot(() => runCell(cell, env, loaded[index] as Container)))
        .catch((error: unknown) => failed(cell, error));
      return [cellId(cell), result] as const;
    }),
  );
  return {
    result: (id) => {
      const result = results.get(id);
      if (!result) throw new Error(`No cell ${id} in this matrix run.`);
      return result;
    },
    done: Promise.all(results.values()).then(() => undefined),
  };
}
