import './polyfill.js';
import { randomUUID } from 'node:crypto';
import type { EventListener } from '#local/events/event.js';
import { executionStatusChange } from './execution-events.js';
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import type { LocalHandler } from './functions.js';
import { forEachState, forEngine, positiveSeconds, substitute, TIMEOUT_FIELD, valueAt, type Definition } from './definition.js';
import { historyRecorder, historyResourceOf, recordEnd } from './execution-history.js';
import { invokeTask, type TaskHandlers } from './task-invocation.js';
import { StatesTimeout, withTaskTimeout } from './task-errors.js';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { ExecutionAbortedError, ExecutionTimeoutError } from 'aws-local-stepfunctions';
import { LocalTaskTokens, TASK_TOKEN_PLACEHOLDER } from './task-tokens.js';
import { assertWithinPayloadLimit } from './step-functions-bounds.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '#local/account.js';

const REGION = LOCAL_REGION;
const ACCOUNT = LOCAL_ACCOUNT_ID;
type Json = unknown;
/** One history event of the embedded engine (ExecutionStarted, StateEntered, StateRetried, ...). */
export type EventLog = {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: Json; output?: Json };
  Error?: string;
  Cause?: unknown;
  retry?: { attempt: number };
  index?: number;
};
export const localFunctionArn = (logicalId: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${logicalId}`;

export interface RunnerOptions extends TaskHandlers {
  /** Name used in execution ARNs. */
  stateMachineName: string;
  /** `${Key}` → value, as DefinitionSubstitutions does on AWS. */
  substitutions: Record<string, string>;
  /** The definition is used as written, without `${...}` substitution (a user's own ASL). */
  literal?: boolean;
  /** The task tokens of `.waitForTaskToken` tasks (shared with the local Step Functions API that answers them). */
  taskTokens?: LocalTaskTokens;
  /** The account and region of its ARNs (default this thread's: local/account.ts); several spokes in one thread each have their own. */
  scope?: { accountId: string; region: string };
}

export interface RunOptions {
  executionName?: string;
  /** Simulated seconds per real second: Wait states with SecondsPath sleep K times shorter. */
  timeScale?: number;
  /** Replaces every Retry interval (ms), e.g. to keep fault tests fast. */
  retryIntervalMs?: number;
  /**
   * The least real time a Task's fixed TimeoutSeconds may scale down to (ms). A time scale of 1,000
   * makes a 90 s limit 90 ms, which a busy machine can spend on one invocation: a suite that is not
   * about task timeouts sets a floor. Waits (TimeoutSecondsPath) are never floored: they are the wait.
   */
  minTaskTimeoutMs?: number;
  /** Called for every event of the execution history, as it happens. */
  onEvent?: (event: EventLog) => void;
  /** Told of the execution's Step Functions Execution Status Change events (RUNNING, then how it ended), as EventBridge would be. */
  onStatusChange?: EventListener;
  /** Aborts the execution (StopExecution): it ends ABORTED. */
  abortSignal?: AbortSignal;
  /** Receives the execution's history as GetExecutionHistory shows it, event by event (the task-level events the local API serves). */
  history?: HistoryEvent[];
}

export interface RunResult {
  executionArn: string;
  status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  output?: Json;
  error?: string;
  cause?: string;
  events: EventLog[];
  /** The history as GetExecutionHistory returns it: execution and task events. */
  history: HistoryEvent[];
  /** StateEntered events: what Step Functions bills as state transitions. */
  stateTransitions: number;
  lambdaInvocations: number;
  startedAt: number;
  stoppedAt: number;
}

/** The `${<LogicalId>Arn}` substitutions and `lambda:invoke` handlers of functions served in-process. */
export function localLambdaFunctions<Id extends string>(
  logicalIds: readonly Id[],
  handlers: Record<Id, LocalHandler>,
): Pick<RunnerOptions, 'substitutions' | 'lambdaHandlers'> {
  const substitutions: Record<string, string> = {};
  const lambdaHandlers: Record<string, LocalHandler> = {};
  for (const logicalId of logicalIds) {
    substitutions[`${logicalId}Arn`] = localFunctionArn(logicalId);
    lambdaHandlers[localFunctionArn(logicalId)] = handlers[logicalId];
  }
  return { substitutions, lambdaHandlers };
}

/** One of template.yaml's state machines on the engine: its ASL file, each of its Lambda functions served by `handlers`. */
export function templateStateMachine<Id extends string>(
  definitionPath: string,
  stateMachineName: string,
  functions: Record<Id, string>,
  handlers: Record<Id, LocalHandler>,
  scope?: RunnerOptions['scope'],
): LocalStateMachine {
  return LocalStateMachine.fromFile(definitionPath, {
    stateMachineName,
    ...localLambdaFunctions(Object.keys(functions) as Id[], handlers),
    ...(scope ? { scope } : {}),
  });
}

/**
 * Runs an ASL definition on the embedded engine (aws-local-stepfunctions)
 * with local handlers in place of Lambda functions and nested workflows.
 * Validation happens once, here; each run is cheap.
 */
export class LocalStateMachine {
  private readonly machine: StateMachine;
  private readonly definition: Definition;
  /** The definition as it runs (substituted): what DescribeStateMachine shows. */
  readonly definitionText: string;
  readonly taskTokens: LocalTaskTokens;
  private readonly scope: { accountId: string; region: string };

  constructor(
    definitionText: string,
    private readonly options: RunnerOptions,
  ) {
    // The partition is a pseudo parameter on AWS; locally it is always aws.
    this.definition = JSON.parse(
      options.literal ? definitionText : substitute(definitionText, { Partition: 'aws', ...options.substitutions }),
    ) as Definition;
    this.definitionText = JSON.stringify(this.definition);
    this.machine = new StateMachine(forEngine(this.definition) as never);
    this.taskTokens = options.taskTokens ?? new LocalTaskTokens();
    this.scope = options.scope ?? { accountId: ACCOUNT, region: REGION };
  }

  static fromFile(path: string, options: RunnerOptions): LocalStateMachine {
    return new LocalStateMachine(readFileSync(path, 'utf8'), options);
  }

  get arn(): string {
    return `arn:aws:states:${this.scope.region}:${this.scope.accountId}:stateMachine:${this.options.stateMachineName}`;
  }

  /** The ARN of this machine's execution named `name`. */
  executionArn(name: string): string {
    return `arn:aws:states:${this.scope.region}:${this.scope.accountId}:execution:${this.options.stateMachineName}:${name}`;
  }

  async run(input: Json, runOptions: RunOptions = {}): Promise<RunResult> {
    const name = runOptions.executionName ?? randomUUID();
    const executionArn = this.executionArn(name);
    const timeScale = runOptions.timeScale ?? 1;
    let lambdaInvocations = 0;
    let lastTaskOutput: Json;
    const taskResourceLocalHandlers: Record<string, (input: never) => Promise<never>> = {};

    const waitTimeOverrides: Record<string, number> = {};
    const retryIntervalOverrides: Record<string, number> = {};

    const history = runOptions.history ?? [];
    const record = historyRecorder(history);

    forEachState(this.definition, (stateName, state) => {
      if (state.Type === 'Task') {
        if (runOptions.retryIntervalMs !== undefined) retryIntervalOverrides[stateName] = runOptions.retryIntervalMs;
        const { resourceType, resource } = historyResourceOf(state.Resource ?? '');
        taskResourceLocalHandlers[stateName] = ((taskInput: Json) => {
          const running = runTask(taskInput);
          // An execution that ends (aborted) while the task runs no longer awaits it: its end is nobody's error.
          running.catch(() => undefined);
          return running;
        }) as never;
        const runTask = async (engineInput: Json): Promise<Json> => {
          const tokens: string[] = [];
          let taskInput = engineInput;
          let timeoutSeconds = state.TimeoutSeconds;
          if (state.TimeoutSecondsPath !== undefined) {
            const { [TIMEOUT_FIELD]: fromPath, ...parameters } = engineInput as Record<string, Json>;
            taskInput = parameters;
            timeoutSeconds = positiveSeconds(fromPath, stateName);
          }
          record('TaskScheduled', {
            taskScheduledEventDetails: { resourceType, resource, region: this.scope.region, parameters: JSON.stringify(taskInput) },
          });
          record('TaskStarted', { taskStartedEventDetails: { resourceType, resource } });
          const task = invokeTask(
            this.options,
            this.taskTokens,
            stateName,
            state,
            taskInput,
            executionArn,
            () => (lambdaInvocations += 1),
            tokens,
          );
          // A fixed limit may be floored in real time (minTaskTimeoutMs); a wait's timeout never is.
          const effectiveScale =
            state.TimeoutSecondsPath === undefined && timeoutSeconds !== undefined && runOptions.minTaskTimeoutMs !== undefined
              ? Math.min(timeScale, (timeoutSeconds * 1000) / runOptions.minTaskTimeoutMs)
              : timeScale;
          try {
            const output = await withTaskTimeout(task, stateName, timeoutSeconds, Math.max(1, effectiveScale));
            assertWithinPayloadLimit(stateName, output);
            record('TaskSucceeded', { taskSucceededEventDetails: { resourceType, resource, output: JSON.stringify(output ?? null) } });
            lastTaskOutput = (output as { Payload?: Json } | null)?.Payload ?? output;
            return output;
          } catch (error) {
            const named = error instanceof Error ? error : new Error(String(error));
            if (named instanceof StatesTimeout)
              record('TaskTimedOut', { taskTimedOutEventDetails: { resourceType, resource, error: named.name } });
            else
              record('TaskFailed', {
                taskFailedEventDetails: { resourceType, resource, error: named.name, cause: named.message.slice(0, 32_768) },
              });
            throw error;
          } finally {
            // A token whose task is over is refused from now on, as Step Functions refuses it.
            for (const token of tokens) this.taskTokens.expire(token);
          }
        };
      }
      if (state.Type === 'Wait' && state.SecondsPath && timeScale !== 1) {
        const secondsPath = state.SecondsPath;
        Object.defineProperty(waitTimeOverrides, stateName, {
          enumerable: true,
          get: () => (Number(valueAt(lastTaskOutput, secondsPath) ?? 0) * 1000) / timeScale,
        });
      }
    });

    const startedAt = Date.now();
    const facts = { executionArn, stateMachineArn: this.arn, name, startDate: startedAt, input };
    record('ExecutionStarted', {
      executionStartedEventDetails: { input: JSON.stringify(input), roleArn: `arn:aws:iam::${this.scope.accountId}:role/local` },
    });
    runOptions.onStatusChange?.(executionStatusChange({ ...facts, status: 'RUNNING' }));
    const execution = this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: taskResourceLocalHandlers as never, waitTimeOverrides, retryIntervalOverrides },
      context: {
        Execution: { Id: executionArn, Name: name, StartTime: new Date(startedAt).toISOString(), Input: input as never },
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
      } as never,
    });
    if (runOptions.abortSignal?.aborted) execution.abort();
    runOptions.abortSignal?.addEventListener('abort', () => execution.abort(), { once: true });
    const events: EventLog[] = [];
    const collecting = (async () => {
      for await (const logged of execution.eventLogs) {
        const event = logged as unknown as EventLog;
        events.push(event);
        runOptions.onEvent?.(event);
      }
    })();
    let result: Omit<RunResult, 'events' | 'history' | 'stateTransitions' | 'lambdaInvocations' | 'startedAt' | 'stoppedAt'>;
    try {
      result = { executionArn, status: 'SUCCEEDED', output: await execution.result };
    } catch (error) {
      result = {
        executionArn,
        status: error instanceof ExecutionAbortedError ? 'ABORTED' : error instanceof ExecutionTimeoutError ? 'TIMED_OUT' : 'FAILED',
      };
    }
    await collecting;
    const failed = events.find((event) => event.type === 'ExecutionFailed');
    if (result.status === 'FAILED') {
      result.error = failed?.Error ?? 'States.Runtime';
      // The engine hands an uncaught task error over as the error itself: its message is Lambda's JSON payload.
      const cause = failed?.Cause;
      result.cause = typeof cause === 'string' ? cause : cause instanceof Error ? cause.message : JSON.stringify(cause ?? '');
    }
    const stoppedAt = Date.now();
    recordEnd(record, result);
    runOptions.onStatusChange?.(
      executionStatusChange({
        ...facts,
        status: result.status,
        stopDate: stoppedAt,
        ...(result.status === 'SUCCEEDED' ? { output: result.output } : {}),
        ...(result.error === undefined ? {} : { error: result.error }),
        ...(result.cause === undefined ? {} : { cause: result.cause }),
      }),
    );
    return {
      ...result,
      events,
      history,
      stateTransitions: events.filter((event) => event.type === 'StateEntered').length,
      lambdaInvocations,
      startedAt,
      stoppedAt,
    };
  }
}
