/**
 * THE fault matrix: every fault below is run against every scenario (unless
 * the cell says why it cannot apply), and fault-matrix.test.ts generates one
 * test per cell from these two tables. Add a row, get a test per scenario.
 *
 * Times in `input` are simulated seconds (the simulator, the handlers' clock
 * and the engine's Wait states all run TIME_SCALE times faster); `deadlineMs`
 * is real wall-clock time for the whole graceful stop.
 */
import type { FaultSpec } from '#local/simulator/index.js';

/** Simulated seconds per real second, for the simulator, GRACEFUL_STOP_TIME_SCALE and the engine's Wait states. */
export const TIME_SCALE = 50;
/** Every Retry interval of the state machine, in real ms. */
export const RETRY_INTERVAL_MS = 10;
/**
 * The Lambda step's simulation unless a row overrides it (simulated seconds):
 * long enough (4 s real) to still be running when a stop delayed by the
 * SDK's retries of 500s and resets lands.
 */
export const DEFAULT_LAMBDA = { durationSeconds: 200, timeoutSeconds: 400 };
/**
 * The handlers' SDK request timeout in the matrix (GRACEFUL_STOP_REQUEST_TIMEOUT_MS, real ms): a hung
 * endpoint costs a cell about 5 s (3 attempts) instead of the deployed 15 s, while an answer from the
 * in-process simulator, which takes milliseconds on an idle machine, still arrives in time on a machine
 * five times slower and busy with the other cells.
 */
export const REQUEST_TIMEOUT_MS = 1_500;

export type ScenarioId = 'callback' | 'lambda' | 'callback+lambda';

export interface Scenario {
  id: ScenarioId;
  title: string;
  /** A Callback step (`Approve`) is draining; its consumer is the reference consumer bundle, answering "Stopping" unless the row says otherwise. */
  callback: boolean;
  /** A Lambda step (`Export`) is draining; it cannot be interrupted. */
  lambda: boolean;
}

export const SCENARIOS: readonly Scenario[] = [
  { id: 'callback', title: 'callback step draining', callback: true, lambda: false },
  { id: 'lambda', title: 'Lambda step draining', callback: false, lambda: true },
  { id: 'callback+lambda', title: 'callback and Lambda steps draining side by side', callback: true, lambda: true },
];

/** How a graceful stop must end: a success outcome, or a named failure and the Fail state that ends on it. */
export type ExpectedEnd =
  | { outcome: 'Stopped' | 'AlreadyStopped' | 'CompletedBeforeStop' | 'AlreadyFailed'; state: 'Graceful Stop Succeeded' }
  | {
      error: string;
      state:
        | 'Invalid Input'
        | 'Pipeline Execution Not Found'
        | 'Pipeline Execution Failed'
        | 'Drain Timed Out'
        | 'SageMaker Unavailable'
        | 'Graceful Stop Errored';
      /** Text the Cause must contain. */
      causeIncludes?: string[];
    };

/**
 * What the callback consumer does. `answers`: the reference consumer bundle
 * acknowledges "Stopping". `silent`: it drops every message, like consumers
 * that only know "Executing".
 */
export type ConsumerBehaviour = 'answers' | 'silent';

/** SQS delivery faults, done by the test on the step's queue. */
export type DeliveryFault =
  /** Every message is delivered three times (the original and two copies sent to the queue). */
  | 'duplicate'
  /** "Executing" is held back and delivered again after "Stopping". */
  | 'stopping-before-executing';

/** Something the test does to SageMaker while the graceful stop runs. */
export type MidRunAction =
  /** DeletePipeline once the stop is accepted, before any step has drained: SageMaker refuses it (ConflictException). */
  | 'delete-pipeline-while-draining'
  /** The test answers the callback token itself just before the release's SendPipelineExecutionStepFailure reaches SageMaker. */
  | 'answer-callback-before-release';

export interface FaultRow {
  id: string;
  /** What goes wrong, in words (the test name). */
  title: string;
  expected: ExpectedEnd;
  /**
   * Real ms the whole graceful stop may take, faults included: about five times what it takes on an
   * idle machine, so a slow or busy machine passes while a hang or a lost retry still fails.
   */
  deadlineMs: number;
  /**
   * A simulator fault, armed on the cell's own simulator just before its
   * graceful stop starts (so `nextCalls` counts that run's calls only) and
   * cleared when it ends.
   */
  simulatorFault?: { operation: string; spec: FaultSpec };
  /**
   * Each cell of the row gets its own instance of the handler bundles (its
   * own "Lambda containers"), instead of sharing one with the other cells.
   * Needed for throttling: the handlers' SDK clients use adaptive retry mode,
   * which rate-limits a client for seconds after it is throttled, as a warm
   * container would for its next invocations; shared, that would slow every
   * other cell too.
   */
  ownContainers?: boolean;
  consumer?: ConsumerBehaviour;
  delivery?: DeliveryFault;
  midRun?: MidRunAction;
  /** Overrides of the Lambda step's simulation (simulated seconds). */
  lambda?: { durationSeconds?: number; timeoutSeconds?: number };
  /** Graceful-stop input fields added to the scenario's input. */
  input?: { maxWaitSeconds?: number; releaseCallbacksAfterSeconds?: number };
  /** `releasedCallbackSteps[].result` the output must show. */
  releasedResults?: ('Released' | 'AlreadyClosed')[];
  /** False when the stop itself fails, so nothing gets to drain. Default true. */
  drains?: boolean;
  /** Scenarios the fault cannot apply to, with the reason. */
  notApplicable?: Partial<Record<ScenarioId, string>>;
}

const STOPPED: ExpectedEnd = { outcome: 'Stopped', state: 'Graceful Stop Succeeded' };
const NO_CALLBACK = 'the scenario has no callback step, so nothing is delivered on SQS';
const NO_LAMBDA = 'the scenario has no Lambda step to time out';

export const FAULTS: readonly FaultRow[] = [
  {
    id: 'throttling-burst',
    title: 'throttling burst: ThrottlingException on the next 2 calls of every operation',
    simulatorFault: { operation: '*', spec: { throttle: { nextCalls: 2 } } },
    ownContainers: true,
    // The SDK backs off up to 2 s, then 4 s, in real time (not scaled), and its adaptive rate limiter
    // slows the client for seconds more: the Lambda step must outlast that to drain, and so must the deadline.
    lambda: { durationSeconds: 500, timeoutSeconds: 600 },
    input: { maxWaitSeconds: 3_600 },
    expected: STOPPED,
    deadlineMs: 60_000,
  },
  {
    id: 'http-500',
    title: 'HTTP 500 InternalFailure on the next 4 calls of every operation',
    simulatorFault: { operation: '*', spec: { serverError: { nextCalls: 4 } } },
    expected: STOPPED,
    deadlineMs: 30_000,
  },
  {
    id: 'connection-reset',
    title: 'connection reset on the next 4 calls of every operation',
    simulatorFault: { operation: '*', spec: { connectionReset: { nextCalls: 4 } } },
    expected: STOPPED,
    deadlineMs: 30_000,
  },
  {
    id: 'slow-responses',
    title: 'slow responses: 150 ms added to every call',
    simulatorFault: { operation: '*', spec: { latencyMs: 150 } },
    expected: STOPPED,
    deadlineMs: 40_000,
  },
  {
    id: 'endpoint-hangs',
    title: 'hung endpoint: every call is accepted and never answered (deadline 20 s)',
    simulatorFault: { operation: '*', spec: { hang: { nextCalls: 1_000 } } },
    input: { maxWaitSeconds: 20 },
    expected: {
      error: 'SageMakerUnavailable',
      state: 'SageMaker Unavailable',
      causeIncludes: ['StopPipelineExecution', 'TimeoutError', 'deadline has passed'],
    },
    drains: false,
    deadlineMs: 30_000,
  },
  {
    id: 'endpoint-hangs-while-draining',
    title: 'hung endpoint once the stop is accepted: DescribePipelineExecution never answers (deadline 20 s)',
    simulatorFault: { operation: 'DescribePipelineExecution', spec: { hang: { nextCalls: 1_000 } } },
    input: { maxWaitSeconds: 20 },
    expected: {
      error: 'SageMakerUnavailable',
      state: 'SageMaker Unavailable',
      causeIncludes: ['DescribePipelineExecution', 'TimeoutError', 'deadline has passed'],
    },
    deadlineMs: 30_000,
  },
  {
    id: 'answers-after-request-timeout',
    title: 'slow endpoint: the next 2 calls of every operation answer only after twice the request timeout',
    simulatorFault: { operation: '*', spec: { slow: { nextCalls: 2, ms: 2 * REQUEST_TIMEOUT_MS } } },
    expected: STOPPED,
    deadlineMs: 30_000,
  },
  {
    id: 'html-5xx',
    title: 'non-JSON 5xx: an HTML 502 page from a proxy on the next 4 calls of every operation',
    simulatorFault: { operation: '*', spec: { htmlServerError: { nextCalls: 4 } } },
    expected: STOPPED,
    deadlineMs: 30_000,
  },
  {
    id: 'html-5xx-persisting',
    title: 'non-JSON 5xx that persists: every StopPipelineExecution gets an HTML 503 page, past every retry',
    simulatorFault: { operation: 'StopPipelineExecution', spec: { htmlServerError: { nextCalls: 1_000, status: 503 } } },
    expected: { error: 'ServerErrorResponse', state: 'Graceful Stop Errored', causeIncludes: ['answered HTTP 503 with text/html'] },
    drains: false,
    deadlineMs: 30_000,
  },
  {
    id: 'conflict-burst-on-stop',
    title: 'ConflictException burst: the next 5 StopPipelineExecution calls (the ASL retries it 6 times)',
    simulatorFault: { operation: 'StopPipelineExecution', spec: { conflict: { nextCalls: 5 } } },
    expected: STOPPED,
    deadlineMs: 30_000,
  },
  {
    id: 'conflict-beyond-retries',
    title: 'ConflictException on every StopPipelineExecution: the retries give up, the error is passed through',
    simulatorFault: { operation: 'StopPipelineExecution', spec: { conflict: { nextCalls: 7 } } },
    expected: { error: 'ConflictException', state: 'Graceful Stop Errored', causeIncludes: ['retry StopPipelineExecution'] },
    drains: false,
    deadlineMs: 20_000,
  },
  {
    id: 'access-denied-on-stop',
    title: 'AccessDeniedException on StopPipelineExecution',
    simulatorFault: { operation: 'StopPipelineExecution', spec: { accessDenied: { nextCalls: 1 } } },
    expected: {
      error: 'AccessDeniedException',
      state: 'Graceful Stop Errored',
      causeIncludes: ['not authorized to perform: sagemaker:StopPipelineExecution'],
    },
    drains: false,
    deadlineMs: 20_000,
  },
  {
    id: 'access-denied-while-draining',
    title: 'AccessDeniedException on DescribePipelineExecution once the stop is accepted',
    simulatorFault: { operation: 'DescribePipelineExecution', spec: { accessDenied: { nextCalls: 1 } } },
    expected: {
      error: 'AccessDeniedException',
      state: 'Graceful Stop Errored',
      causeIncludes: ['not authorized to perform: sagemaker:DescribePipelineExecution'],
    },
    deadlineMs: 20_000,
  },
  {
    // SageMaker forbids deleting a pipeline while its executions run: the delete is refused, the drain goes on.
    id: 'pipeline-delete-refused-while-draining',
    title: 'DeletePipeline while its steps drain is refused (ConflictException) and changes nothing',
    midRun: 'delete-pipeline-while-draining',
    expected: STOPPED,
    deadlineMs: 30_000,
  },
  {
    id: 'lambda-step-timeout',
    title: 'the Lambda step outlives its 200 s step timeout',
    lambda: { durationSeconds: 600, timeoutSeconds: 200 },
    expected: { error: 'PipelineExecutionFailed', state: 'Pipeline Execution Failed', causeIncludes: ['Lambda step', 'timed out'] },
    deadlineMs: 30_000,
    notApplicable: { callback: NO_LAMBDA },
  },
  {
    id: 'callback-never-answered',
    title: 'the callback consumer never answers and no grace period is set (deadline 20 s)',
    consumer: 'silent',
    input: { maxWaitSeconds: 20 },
    expected: { error: 'DrainTimedOut', state: 'Drain Timed Out', causeIncludes: ["Callback step 'Approve'"] },
    deadlineMs: 30_000,
    notApplicable: { lambda: NO_CALLBACK },
  },
  {
    id: 'duplicate-deliveries',
    title: 'duplicate SQS deliveries: every callback message arrives three times',
    delivery: 'duplicate',
    expected: STOPPED,
    deadlineMs: 30_000,
    notApplicable: { lambda: NO_CALLBACK },
  },
  {
    id: 'out-of-order-deliveries',
    title: 'out-of-order SQS deliveries: "Stopping" arrives before "Executing"',
    delivery: 'stopping-before-executing',
    expected: STOPPED,
    deadlineMs: 30_000,
    notApplicable: { lambda: NO_CALLBACK },
  },
  {
    id: 'callback-token-already-closed',
    title: 'already-closed callback token: answered by someone else just before the force-release lands',
    consumer: 'silent',
    midRun: 'answer-callback-before-release',
    input: { releaseCallbacksAfterSeconds: 5 },
    releasedResults: ['AlreadyClosed'],
    expected: STOPPED,
    deadlineMs: 30_000,
    notApplicable: { lambda: NO_CALLBACK },
  },
];

export interface Cell {
  fault: FaultRow;
  scenario: Scenario;
}

/** Every cell of the matrix, split into those that run and those that cannot apply. */
export function matrixCells(
  faults: readonly FaultRow[] = FAULTS,
  scenarios: readonly Scenario[] = SCENARIOS,
): { run: Cell[]; notApplicable: (Cell & { reason: string })[] } {
  const run: Cell[] = [];
  const notApplicable: (Cell & { reason: string })[] = [];
  for (const fault of faults) {
    for (const scenario of scenarios) {
      const reason = fault.notApplicable?.[scenario.id];
      if (reason === undefined) run.push({ fault, scenario });
      else notApplicable.push({ fault, scenario, reason });
    }
  }
  return { run, notApplicable };
}

export const cellId = (cell: Cell): string => `${cell.fault.id} × ${cell.scenario.id}`;
