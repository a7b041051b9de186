/**
 * Timeouts derived from one another: every network call is bounded
 * (CALL_BUDGET_MS), each function's Lambda Timeout covers the calls it makes
 * (and Check's watch), and each Task's TimeoutSeconds leaves the function's
 * own timeout room to fire first, with its clearer error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALL_BUDGET_MS, CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS, SDK_MAX_ATTEMPTS } from '#commons/clients.js';
import { SETTING_BOUNDS } from '#commons/settings.js';
import { functionProperty, getAttTarget, loadTemplate, projectRoot, type Template } from '#test/support/template.js';

/** Seconds a Task's TimeoutSeconds exceeds its function's Timeout: the invoke itself and a cold start. */
export const INVOKE_MARGIN_SECONDS = 30;
/** AWS calls each function makes in the worst case of one invocation (a page of steps counts once). */
const CALLS_PER_INVOCATION: Record<string, number> = {
  StopPipelineExecutionFunction: 2,
  CheckPipelineExecutionFunction: 2,
  ReleaseCallbackStepsFunction: 2,
  PublishCompletionEventFunction: 1,
  ListRunningExecutionsFunction: 2,
  CallbackConsumerFunction: 1,
  ReportOutcomeFunction: 0,
  SummariseStopAllFunction: 0,
};

const template: Template = loadTemplate();
const callBudgetSeconds = CALL_BUDGET_MS / 1000;
const lambdaTimeout = (logicalId: string): number => {
  const resource = template.Resources[logicalId];
  return Number(resource ? functionProperty(template, resource, 'Timeout') : Number.NaN);
};

interface Task {
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Parameters?: { FunctionName?: string };
}
/** Every Lambda task of a definition, a Map's included. */
function lambdaTasks(file: string): Array<[string, Task]> {
  const definition = JSON.parse(readFileSync(join(projectRoot, 'statemachine', file), 'utf8')) as {
    States: Parameters<typeof allTasks>[0];
  };
  return allTasks(definition.States).filter(([, task]) => task.Resource?.endsWith(':states:::lambda:invoke'));
}

/** `${CheckPipelineExecutionFunctionArn}` → CheckPipelineExecutionFunction, via the machine's DefinitionSubstitutions. */
function functionOf(task: Task, machineLogicalId: string): string {
  const key = /^\$\{(\w+)\}$/.exec(task.Parameters?.FunctionName ?? '')?.[1] ?? '';
  const substitutions = template.Resources[machineLogicalId]?.Properties?.DefinitionSubstitutions as Record<string, unknown>;
  return getAttTarget(substitutions[key])?.[0] ?? '';
}

describe('network call budget', () => {
  it('is the SDK attempts times the connection and request timeouts, plus the backoff between them', () => {
    // Assess
    expect(CONNECTION_TIMEOUT_MS).toBe(3_000);
    expect(REQUEST_TIMEOUT_MS).toBe(5_000);
    expect(SDK_MAX_ATTEMPTS).toBe(3);
    expect(CALL_BUDGET_MS).toBe(SDK_MAX_ATTEMPTS * (CONNECTION_TIMEOUT_MS + REQUEST_TIMEOUT_MS) + 2_000);
  });
});

describe('Lambda Timeout of each function', () => {
  it.each(Object.entries(CALLS_PER_INVOCATION))('covers the AWS calls of one invocation of %s', (logicalId, calls) => {
    // Prepare
    const watch = logicalId === 'CheckPipelineExecutionFunction' ? SETTING_BOUNDS.WATCH_SECONDS.max : 0;

    // Assess
    expect(template.Resources[logicalId]).toBeDefined();
    expect(lambdaTimeout(logicalId)).toBeGreaterThanOrEqual(watch + calls * callBudgetSeconds);
  });
});

describe('TimeoutSeconds of each Lambda task', () => {
  it.each([
    ['graceful-stop.asl.json', 'GracefulStopStateMachine'],
    ['stop-all.asl.json', 'StopAllStateMachine'],
    ['organization-stop.asl.json', 'OrganizationStopStateMachine'],
  ])('in %s is the function Timeout plus the invoke margin', (file, machine) => {
    // Prepare
    const tasks = lambdaTasks(file);

    // Assess
    expect(tasks.length).toBeGreaterThan(1);
    for (const [name, task] of tasks) {
      const logicalId = functionOf(task, machine);
      expect(logicalId, name).not.toBe('');
      expect(task.TimeoutSeconds, name).toBe(lambdaTimeout(logicalId) + INVOKE_MARGIN_SECONDS);
    }
  });
});

/** Every Task state, nested ones (a Map's ItemProcessor, Parallel branches) included. */
function allTasks(
  states: Record<
    string,
    Task & {
      Type: string;
      ItemProcessor?: { States: Record<string, never> };
      Iterator?: { States: Record<string, never> };
      Branches?: { States: Record<string, never> }[];
    }
  >,
): Array<[string, Task]> {
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [[name, state] as [string, Task]] : []),
    ...[state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])].flatMap((inner) => (inner ? allTasks(inner.States) : [])),
  ]);
}

/** A child graceful stop's longest run: the longest deadline (maxWaitSeconds ≤ 86,400 s) and an hour for the stop, retries and the report. */
const CHILD_STOP_TIMEOUT_SECONDS = SETTING_BOUNDS.DEFAULT_MAX_WAIT_SECONDS.max + 3_600;

describe('TimeoutSeconds of every Task', () => {
  it.each(['graceful-stop.asl.json', 'stop-all.asl.json', 'example-parent.asl.json', 'organization-stop.asl.json'])(
    'is set on every Task of %s (the embedded engine would end one without it after 60 s)',
    (file) => {
      // Prepare
      const definition = JSON.parse(readFileSync(join(projectRoot, 'statemachine', file), 'utf8')) as {
        States: Parameters<typeof allTasks>[0];
      };
      // Act
      const tasks = allTasks(definition.States);
      // Assess
      expect(tasks.length).toBeGreaterThan(0);
      for (const [name, task] of tasks) {
        // A wait for a task token times out at the wait it stands for (the next poll or sweep), read from the state.
        if (task.Resource?.endsWith('.waitForTaskToken')) {
          expect(task.TimeoutSecondsPath, name).toMatch(
            file === 'organization-stop.asl.json' ? /^\$\.spoke\.value\.nextWaitSeconds$/ : /^\$\.(check|progress)\.nextWaitSeconds$/,
          );
          continue;
        }
        expect(task.TimeoutSeconds, name).toBeGreaterThan(0);
        if (task.Resource?.endsWith(':states:::states:startExecution.sync:2'))
          expect(task.TimeoutSeconds, name).toBe(CHILD_STOP_TIMEOUT_SECONDS);
      }
    },
  );
});
