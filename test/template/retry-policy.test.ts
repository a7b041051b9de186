/**
 * One Retry policy: every Lambda task retries Lambda's own transient errors
 * the same way, and every task that calls AWS retries the transient errors its
 * function lets escape - all under one name, TransientServiceError - the same
 * way. A change made to one copy and not to the others fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRANSIENT_ERROR_NAMES, TransientServiceError, toStepError } from '#commons/service-errors.js';
import { projectRoot } from '#test/support/template.js';

interface Retrier {
  ErrorEquals: string[];
  [key: string]: unknown;
}
interface State {
  Type: string;
  Resource?: string;
  Retry?: Retrier[];
  ItemProcessor?: { States: Record<string, State> };
}

function tasksOf(file: string): Array<[string, State]> {
  const definition = JSON.parse(readFileSync(join(projectRoot, 'statemachine', file), 'utf8')) as { States: Record<string, State> };
  const walk = (states: Record<string, State>): Array<[string, State]> =>
    Object.entries(states).flatMap(([name, state]) => [
      ...(state.Type === 'Task' ? [[`${file} › ${name}`, state] as [string, State]] : []),
      ...(state.ItemProcessor ? walk(state.ItemProcessor.States) : []),
    ]);
  return walk(definition.States);
}

const lambdaTasks = ['graceful-stop.asl.json', 'stop-all.asl.json']
  .flatMap(tasksOf)
  .filter(([, state]) => state.Resource?.endsWith(':states:::lambda:invoke'));
const isLambdaServiceRetrier = (retrier: Retrier): boolean => retrier.ErrorEquals.includes('Lambda.ServiceException');
const isSageMakerRetrier = (retrier: Retrier): boolean => retrier.ErrorEquals.includes('TransientServiceError');
/** Tasks whose function calls SageMaker, EventBridge or S3 (the fleet ledger): they carry the SDK retrier. */
const CALLING_TASKS = [
  'Stop Pipeline Execution',
  'Check Pipeline Execution',
  'Release Callback Steps',
  'Stop Leftover Jobs',
  'Publish Completion Event',
  'List Running Executions',
  'Signal And Sweep',
  'Summarise Stop All',
];

describe('Retry policy of the Lambda tasks', () => {
  it('retries Lambda service errors with one and the same retrier in every Lambda task', () => {
    // Prepare
    const retriers = lambdaTasks.map(([name, state]) => [name, state.Retry?.find(isLambdaServiceRetrier)] as const);

    // Assess
    expect(retriers.length).toBe(9);
    for (const [name, retrier] of retriers) expect(retrier, name).toEqual(retriers[0]?.[1]);
  });

  it('retries SageMaker and network errors with one and the same retrier in every task that calls AWS', () => {
    // Prepare
    const calling = lambdaTasks.filter(([name]) => CALLING_TASKS.some((task) => name.endsWith(`› ${task}`)));
    const retriers = calling.map(([name, state]) => [name, state.Retry?.find(isSageMakerRetrier)] as const);
    const reference = retriers[0]?.[1];

    // Assess
    expect(retriers.length).toBe(CALLING_TASKS.length);
    for (const [name, retrier] of retriers) expect(retrier, name).toEqual(reference);
  });

  it("retries one name for every transient error, and Step Functions' own States.Timeout", () => {
    // Prepare
    const stopTask = lambdaTasks.find(([name]) => name.endsWith('› Stop Pipeline Execution'));
    const retrier = stopTask?.[1].Retry?.find(isSageMakerRetrier);

    // Assess
    expect(retrier?.ErrorEquals).toEqual(['TransientServiceError', 'States.Timeout']);
  });

  it('names every transient error TransientServiceError, with the original as its cause', () => {
    for (const name of TRANSIENT_ERROR_NAMES) {
      // Prepare
      const original = Object.assign(new Error(`${name} happened`), { name });

      // Act
      const stepError = toStepError(original);

      // Assess
      expect(stepError, name).toBeInstanceOf(TransientServiceError);
      expect((stepError as Error).message).toBe(`${name}: ${name} happened`);
      expect((stepError as Error).cause).toBe(original);
    }
  });

  it('leaves a named failure as it is', () => {
    // Prepare
    const failure = Object.assign(new Error('no such run'), { name: 'PipelineExecutionNotFound' });

    // Act
    const stepError = toStepError(failure);

    // Assess
    expect(stepError).toBe(failure);
  });

  it('gives the SDK retrier only to tasks that call AWS', () => {
    // Prepare
    const others = lambdaTasks.filter(([name]) => !CALLING_TASKS.some((task) => name.endsWith(`› ${task}`)));

    // Assess
    expect(others.map(([name]) => name)).toEqual(['graceful-stop.asl.json › Report Outcome']);
    for (const [name, state] of others) expect(state.Retry?.some(isSageMakerRetrier), name).toBe(false);
  });
});
