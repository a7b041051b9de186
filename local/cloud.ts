/**
 * The local cloud, the one assembly of everything the product meets on AWS, off AWS, in one process
 * (the CLI's simulate and demo, the bench and the tests all start it, with options): the SageMaker
 * Pipelines simulator and the SQS/S3 emulator (local/emulators.ts), Step Functions (the embedded engine running the
 * graceful-stop and stop-all state machines with the built bundles, behind the local Step
 * Functions API), and EventBridge: SageMaker's events, Step Functions' status changes and the
 * events put through the local EventBridge API are routed by template.yaml's own rules - read from
 * the template, not copied - to the wake-up, the stop watch, the orphan guard and the graceful stop.
 */
import type { Context } from 'aws-lambda';
import { RUN_EVENT_FUNCTIONS, type HandlerTable, type LocalHandler, type RunEventFunctionLogicalId } from '#local/engine/functions.js';
import { createGracefulStopMachine } from '#local/engine/graceful-stop.js';
import { localLambdaContext } from '#local/engine/lambda-context.js';
import { applyFunctionEnvironment, loadBuiltHandlers, loadBundles } from '#local/engine/load-handlers.js';
import { localFunctionArn, type LocalStateMachine } from '#local/engine/runner.js';
import { createStopAllMachine, loadBuiltStopAllHandlers, type StopAllHandlerTable } from '#local/engine/stop-all.js';
import { LocalStepFunctions } from '#local/engine/step-functions.js';
import { startStepFunctionsApi, type StepFunctionsApi } from '#local/engine/step-functions-api.js';
import { LocalEventBus, localRuleValues, templateRules, type Delivery, type RuleTarget } from '#local/events/bus.js';
import type { EventBridgeEvent } from '#local/events/event.js';
import { startEmulators, useLocalEndpoints, type Emulators, type EmulatorOptions } from './emulators.js';
import { readTemplate } from './template.js';
import { userStateMachine } from '#local/engine/user-state-machines.js';

export interface LocalCloudOptions extends EmulatorOptions {
  /**
   * Routes events by template.yaml's rules (default). False drops every event, as if EventBridge lost
   * them all: what polling alone does (the bench's polling policies, tests of the poll schedule).
   */
  events?: boolean;
  /** Loads the graceful stop's handlers (default: the built bundles): the bench loads independent instances. */
  loadGracefulStopHandlers?: () => Promise<HandlerTable>;
  /**
   * The emulators run elsewhere (the fleet bench's own thread): their endpoints are used and none
   * is started here; the cloud's `emulators` then has only `endpoints`.
   */
  emulatorsAt?: Emulators['endpoints'];
  /** Wraps the graceful stop's and stop-all's handlers, e.g. to time each invocation. */
  wrapHandlers?: <Table extends Record<string, LocalHandler>>(handlers: Table) => Table;
  /** The stop watch (StopWatchEnabled): off unless given, with its grace (StopWatchGraceSeconds). */
  stopWatch?: { graceSeconds: number };
  /** The pipelines' limits from their tags (PipelineLimitsEnabled): off unless true. */
  pipelineLimits?: boolean;
  /** The orphan guard (OrphanGuardStateMachinePattern): off unless given. */
  orphanGuard?: { stateMachinePattern: string };
  /** More state machines to run (a parent workflow), made once the local endpoints are set. */
  machines?: () => LocalStateMachine[];
  /** Replaces every Retry interval (ms) of every execution. */
  retryIntervalMs?: number;
  /** Told of every event on the bus and of every delivery. */
  onEvent?: (event: EventBridgeEvent, deliveries: Delivery[]) => void;
  /** Where the built function bundles are (default dist/functions). */
  functionsDir?: string;
  /** Told of every delivery whose target failed (kept in `deadLetters` too). */
  onDeadLetter?: (letter: DeadLetter) => void;
  /** Loses the events it says so (EventBridge delivers best effort): what polling must still cover. */
  loses?: (event: EventBridgeEvent) => boolean;
  /**
   * This cloud is a spoke of a local organization: its stop-all is named as a spoke stack names it,
   * and the rule that forwards Stop All Completed to the hub's bus (its target `hub-bus`) delivers here.
   */
  spoke?: { stopAllName: string; forwardToHub: (event: EventBridgeEvent) => Promise<unknown> };
  /**
   * More of the template this cloud runs (the hub of a local organization): called once the local
   * APIs are up and the product's bundles loaded, its machines are registered and its targets join
   * the rules' targets.
   */
  extend?: (api: StepFunctionsApi) => Promise<{ machines: LocalStateMachine[]; targets: Record<string, RuleTarget> }>;
}

/** A delivery whose target failed: the event is kept, with the rule, the target and the error. */
export interface DeadLetter {
  event: EventBridgeEvent;
  rule: string;
  target: string;
  error: unknown;
}

/** The dead letters kept: the newest, so a long session's memory stays bounded. */
const MAX_DEAD_LETTERS = 1_000;

export interface LocalCloud {
  emulators: Emulators;
  stepFunctions: LocalStepFunctions;
  api: StepFunctionsApi;
  gracefulStop: LocalStateMachine;
  stopAll: LocalStateMachine;
  /** Every event the bus saw, in order, with the rules it matched. */
  readonly routed: Array<{ event: EventBridgeEvent; deliveries: Delivery[] }>;
  /** The deliveries whose target failed, with the event (the last 1,000): what a rule's dead-letter queue would hold. */
  readonly deadLetters: DeadLetter[];
  /** Puts an event on the bus, as EventBridge would. */
  put(event: EventBridgeEvent): Delivery[];
  /** The exports a shell needs to talk to this cloud with the AWS CLI or SDKs. */
  exports: Record<string, string>;
  close(): Promise<void>;
}

/** The Id of the spoke's rule target that is the hub's event bus (StopAllCompletedToHubRule in template.yaml). */
export const HUB_BUS_TARGET = 'hub-bus';

const asTarget =
  (logicalId: string, handler: LocalHandler): RuleTarget =>
  (input) =>
    handler(input, localLambdaContext(localFunctionArn(logicalId)) as Context);

/** The emulators alone: for a CLI or an SDK in another process that brings its own state machine. */
export async function startLocalCloud(options: LocalCloudOptions & { parts: 'emulators' }): Promise<Emulators>;
export async function startLocalCloud(options?: LocalCloudOptions & { parts?: 'all' }): Promise<LocalCloud>;
export async function startLocalCloud(options: LocalCloudOptions & { parts?: 'all' | 'emulators' } = {}): Promise<LocalCloud | Emulators> {
  const stack = options.emulatorsAt ? emulatorsElsewhere(options.emulatorsAt) : await startEmulators(options);
  // The emulators alone set no environment: whoever talks to them (another process, the demo) is told their endpoints.
  if (options.parts === 'emulators') return stack;
  const closers: Array<() => Promise<void>> = [() => stack.close()];
  try {
    useLocalEndpoints(stack.endpoints);
    const routed: LocalCloud['routed'] = [];
    const deadLetters: DeadLetter[] = [];
    // The bus needs the handlers, which need the APIs, which publish to the bus: it is set once they are up.
    const bus: { current?: LocalEventBus } = {};
    const put = (event: EventBridgeEvent): Delivery[] => {
      const deliveries = options.events === false || options.loses?.(event) ? [] : (bus.current?.put(event) ?? []);
      routed.push({ event, deliveries });
      for (const delivery of deliveries) {
        void delivery.result.then((outcome) => {
          if (outcome.ok) return;
          const letter = { event, rule: delivery.rule, target: delivery.target, error: outcome.error };
          deadLetters.push(letter);
          if (deadLetters.length > MAX_DEAD_LETTERS) deadLetters.shift();
          options.onDeadLetter?.(letter);
        });
      }
      options.onEvent?.(event, deliveries);
      return deliveries;
    };
    // Filled once the bundles are loaded: a user's workflow may invoke any of template.yaml's functions.
    const functionHandlers: Record<string, LocalHandler> = {};
    const stepFunctions = new LocalStepFunctions({
      buildMachine: (name, definition) => userStateMachine(name, definition, functionHandlers),
      runOptions: {
        ...(options.timeScale ? { timeScale: options.timeScale } : {}),
        ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
      },
      onStatusChange: put,
    });
    const api = await startStepFunctionsApi(stepFunctions, { onEvent: put });
    closers.unshift(() => api.close());
    // The handlers read these once, at load: the local APIs, the watch's grace, a bus for completion events.
    process.env.AWS_ENDPOINT_URL_SFN = api.endpoint;
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = api.endpoint;
    applyFunctionEnvironment({
      COMPLETION_EVENT_BUS_NAME: process.env.COMPLETION_EVENT_BUS_NAME || 'default',
      ...(options.stopWatch ? { STOP_WATCH_GRACE_SECONDS: String(options.stopWatch.graceSeconds) } : {}),
    });
    const wrap = options.wrapHandlers ?? (<Table>(handlers: Table): Table => handlers);
    const gracefulStopHandlers: HandlerTable = wrap(
      await (options.loadGracefulStopHandlers?.() ?? loadBuiltHandlers(options.functionsDir)),
    );
    const stopAllHandlers: StopAllHandlerTable = wrap(await loadBuiltStopAllHandlers(options.functionsDir));
    const runEventHandlers = await loadBundles(RUN_EVENT_FUNCTIONS, options.functionsDir);
    Object.assign(functionHandlers, gracefulStopHandlers, stopAllHandlers, runEventHandlers);
    const gracefulStop = createGracefulStopMachine(gracefulStopHandlers);
    const stopAll = createStopAllMachine(stopAllHandlers, options.spoke?.stopAllName);
    stepFunctions.register(gracefulStop, stopAll, ...(options.machines?.() ?? []));
    const extension = await options.extend?.(api);
    if (extension) stepFunctions.register(...extension.machines);

    const targets: Record<string, RuleTarget> = {
      GracefulStopStateMachine: async (input) =>
        stepFunctions.startExecution({ stateMachineArn: gracefulStop.arn, input: JSON.stringify(input) }).executionArn,
      EndWaitsFunction: asTarget('EndWaitsFunction', runEventHandlers.EndWaitsFunction),
    };
    Object.assign(targets, extension?.targets);
    const spoke = options.spoke;
    if (spoke) targets[HUB_BUS_TARGET] = (input) => spoke.forwardToHub(input as EventBridgeEvent);
    const on: RunEventFunctionLogicalId[] = [];
    if (options.stopWatch) on.push('WatchStoppingRunFunction');
    if (options.orphanGuard) on.push('StopOrphanedRunsFunction');
    if (options.pipelineLimits) on.push('LimitConcurrentRunsFunction');
    for (const id of on) targets[id] = asTarget(id, runEventHandlers[id]);
    const template = readTemplate();
    const values = localRuleValues(template, {
      ...(process.env.PIPELINE_NAME_PATTERN ? { PipelineNamePattern: process.env.PIPELINE_NAME_PATTERN } : {}),
      ...(options.orphanGuard ? { OrphanGuardStateMachinePattern: options.orphanGuard.stateMachinePattern } : {}),
    });
    bus.current = new LocalEventBus(targets, templateRules(template, values));
    const unobserve = options.emulatorsAt ? () => undefined : stack.simulator.observeEvents(put);
    closers.unshift(async () => {
      unobserve();
      await stepFunctions.close();
    });

    return {
      emulators: stack,
      stepFunctions,
      api,
      gracefulStop,
      stopAll,
      routed,
      deadLetters,
      put,
      exports: {
        AWS_ENDPOINT_URL_SAGEMAKER: stack.endpoints.sagemakerEndpoint,
        AWS_ENDPOINT_URL_SQS: stack.endpoints.sqsEndpoint,
        AWS_ENDPOINT_URL_S3: stack.endpoints.sqsEndpoint,
        AWS_ENDPOINT_URL_SFN: api.endpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: api.endpoint,
      },
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

async function closeAll(closers: Array<() => Promise<void>>): Promise<void> {
  for (const close of closers) await close().catch(() => undefined);
}

/** A handle on emulators another thread runs: their endpoints; their simulator and SQS emulator are that thread's. */
function emulatorsElsewhere(endpoints: Emulators['endpoints']): Emulators {
  const elsewhere = (): never => {
    throw new Error('These emulators run in another thread: ask that thread, not this handle.');
  };
  return {
    endpoints,
    get simulator() {
      return elsewhere();
    },
    get sqs() {
      return elsewhere();
    },
    close: async () => undefined,
  };
}
