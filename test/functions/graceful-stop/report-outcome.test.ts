import { describe, expect, it } from 'vitest';
import { readableCause, reportOutcome } from '#graceful-stop/report-outcome.logic.js';
import type { GracefulStopState, ReleasedStep } from '#graceful-stop/model.js';
import { ARN, EXECUTION_ID, T0, checkedState, clockAt, stepView } from '#test/support/fixtures.js';

const FINISHED_AT = '2025-03-01T12:15:00.000Z';
const clock = () => clockAt(900);
const FACTS = /\[pipelineExecutionArn=[^,]+, finalStatus=\w+, waitedSeconds=[\d.]+, polls=\d+\]$/;
const lambdaCause = (errorType: string, errorMessage: string): string =>
  JSON.stringify({ errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, '    at handler (/var/task/index.mjs:1:1)'] });

describe('reportOutcome', () => {
  describe('success outcomes', () => {
    it('reports Stopped when our stop was accepted and the execution ended Stopped', () => {
      // Prepare
      const state = checkedState({ check: { status: 'Stopped' } });
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBeUndefined();
      expect(result.cause).toBeUndefined();
      expect(result.document).toMatchObject({ outcome: 'Stopped', finalStatus: 'Stopped' });
    });

    it('builds the whole output document', () => {
      // Prepare
      const released: ReleasedStep[] = [{ stepName: 'Approve', releasedAt: T0, callbackToken: '***h12', result: 'Released' }];
      const steps = [
        stepView({ name: 'Approve', type: 'Callback', status: 'Failed', callbackToken: '***h12' }),
        stepView({ name: 'Work', status: 'Stopped', endedAt: FINISHED_AT }),
      ];
      const state = checkedState({
        request: { reason: 'Budget' },
        check: { status: 'Stopped', steps, polls: 6, waitedSeconds: 87.5 },
        released,
      });
      // Act
      const { document } = reportOutcome(state, clock());
      // Assess
      expect(document).toEqual({
        pipelineExecutionArn: ARN,
        pipelineName: 'demo-pipeline',
        outcome: 'Stopped',
        finalStatus: 'Stopped',
        stopRequestedAt: T0,
        finishedAt: FINISHED_AT,
        waitedSeconds: 87.5,
        polls: 6,
        steps,
        releasedCallbackSteps: released,
        reason: 'Budget',
      });
    });

    it.each([
      ['AlreadyStopped', 'Stopped'],
      ['AlreadyFailed', 'Failed'],
      ['CompletedBeforeStop', 'Succeeded'],
    ] as const)('reports %s when the execution was already %s at the stop', (outcome, status) => {
      // Prepare
      const state = checkedState({ stop: { accepted: false, statusAtStop: status }, check: { status } });
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBeUndefined();
      expect(result.document).toMatchObject({ outcome, finalStatus: status });
    });

    it('keeps the failure reason of an execution that had already failed', () => {
      // Prepare
      const state = checkedState({
        stop: { accepted: false, statusAtStop: 'Failed' },
        check: { status: 'Failed', failureReason: 'Step Train failed' },
      });
      // Act
      const { document } = reportOutcome(state, clock());
      // Assess
      expect(document).toMatchObject({ outcome: 'AlreadyFailed', failureReason: 'Step Train failed' });
    });

    it('reports CompletedBeforeStop when the stop was accepted but the execution still Succeeded', () => {
      // Prepare
      const state = checkedState({ stop: { accepted: true }, check: { status: 'Succeeded' } });
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBeUndefined();
      expect(result.document.outcome).toBe('CompletedBeforeStop');
    });

    it('reports Stopped when another stop was already draining the execution', () => {
      // Prepare
      const state = checkedState({
        request: { failIfNotRunning: true },
        stop: { accepted: false, statusAtStop: 'Stopping' },
        check: { status: 'Stopped' },
      });
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBeUndefined();
      expect(result.document.outcome).toBe('Stopped');
    });
  });

  describe('named failures', () => {
    it.each(['Stopped', 'Failed', 'Succeeded'] as const)(
      'fails with PipelineExecutionNotRunning when failIfNotRunning is set and the execution was already %s',
      (status) => {
        // Prepare
        const state = checkedState({
          request: { failIfNotRunning: true },
          stop: { accepted: false, statusAtStop: status },
          check: { status },
        });
        // Act
        const result = reportOutcome(state, clock());
        // Assess
        expect(result.error).toBe('PipelineExecutionNotRunning');
        expect(result.cause).toMatch(
          new RegExp(`^The pipeline execution was already ${status} when the stop was requested, and failIfNotRunning is true\\. `),
        );
        expect(result.document.outcome).toBeNull();
        expect(result.document.finalStatus).toBe(status);
      },
    );

    it('fails with PipelineExecutionFailed naming the failed step and its reason', () => {
      // Prepare
      const state = checkedState({
        check: {
          status: 'Failed',
          failureReason: 'Step failure: One or multiple steps failed.',
          steps: [
            stepView({ name: 'Prep', status: 'Succeeded' }),
            stepView({ name: 'Work', status: 'Failed', failureReason: 'Lambda function timed out after 600 seconds' }),
          ],
        },
      });
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBe('PipelineExecutionFailed');
      expect(result.cause).toMatch(
        /^The pipeline execution ended Failed instead of Stopped after the stop was requested: Lambda step 'Work' failed \(Lambda function timed out after 600 seconds\)\. \[/,
      );
      expect(result.cause).not.toContain('Prep');
      expect(result.document).toMatchObject({
        outcome: null,
        finalStatus: 'Failed',
        failureReason: 'Step failure: One or multiple steps failed.',
      });
    });

    it('names every failed step in the PipelineExecutionFailed cause', () => {
      // Prepare
      const state = checkedState({
        check: {
          status: 'Failed',
          steps: [
            stepView({ name: 'Approve', type: 'Callback', status: 'Failed', failureReason: 'Released by graceful stop' }),
            stepView({ name: 'Work', status: 'Failed' }),
          ],
        },
      });
      // Act
      const { cause } = reportOutcome(state, clock());
      // Assess
      expect(cause).toContain("Callback step 'Approve' failed (Released by graceful stop); Lambda step 'Work' failed.");
    });

    it('falls back to the execution failure reason when no step is reported Failed', () => {
      // Prepare
      const state = checkedState({ check: { status: 'Failed', failureReason: 'Internal error' } });
      // Act
      const { error, cause } = reportOutcome(state, clock());
      // Assess
      expect(error).toBe('PipelineExecutionFailed');
      expect(cause).toMatch(/requested: Internal error\. \[/);
    });

    it('fails with DrainTimedOut naming each step still draining and how long it ran', () => {
      // Prepare
      const state = checkedState({
        request: { maxWaitSeconds: 900 },
        check: {
          status: 'Stopping',
          deadlinePassed: true,
          draining: [
            stepView({ name: 'Approve', type: 'Callback', status: 'Executing', startedAt: T0, callbackToken: '***h12' }),
            stepView({ name: 'Work', type: 'Lambda', status: 'Stopping', startedAt: '2025-03-01T12:10:00.000Z' }),
          ],
        },
      });
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBe('DrainTimedOut');
      expect(result.cause).toMatch(
        /^The pipeline execution was still Stopping after the 900 s deadline; still draining: Callback step 'Approve' \(Executing for 900 s\), Lambda step 'Work' \(Stopping for 300 s\)\. \[/,
      );
      expect(result.document.finalStatus).toBe('Stopping');
    });

    it('says so when the deadline passed with no step reported as running', () => {
      // Prepare
      const state = checkedState({ check: { status: 'Executing', deadlinePassed: true, draining: [] } });
      // Act
      const { cause } = reportOutcome(state, clock());
      // Assess
      expect(cause).toContain('still draining: no step reported as running.');
    });

    it('reports the deadline before anything else', () => {
      // Prepare
      const state = checkedState({
        request: { failIfNotRunning: true },
        stop: { accepted: false, statusAtStop: 'Stopping' },
        check: { status: 'Stopping', deadlinePassed: true, releaseDue: true },
      });
      // Act
      const { error } = reportOutcome(state, clock());
      // Assess
      expect(error).toBe('DrainTimedOut');
    });
  });

  describe('caught failures', () => {
    it('reads the errorMessage of a Lambda-style JSON Cause', () => {
      // Prepare
      const state: GracefulStopState = {
        ...checkedState(),
        failure: {
          Error: 'PipelineExecutionNotFound',
          Cause: lambdaCause('PipelineExecutionNotFound', `SageMaker no longer knows pipeline execution ${ARN}.`),
        },
      };
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBe('PipelineExecutionNotFound');
      expect(result.cause).toMatch(
        new RegExp(`^SageMaker no longer knows pipeline execution ${ARN.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\. \\[`),
      );
      expect(result.cause).not.toContain('trace');
      expect(result.cause).not.toContain('errorType');
    });

    it('keeps a plain text Cause as it is', () => {
      // Prepare
      const state: GracefulStopState = {
        raw: { pipelineExecutionArn: ARN },
        executionId: EXECUTION_ID,
        failure: { Error: 'States.Timeout', Cause: 'The task timed out.' },
      };
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBe('States.Timeout');
      expect(result.cause).toMatch(/^The task timed out\. \[pipelineExecutionArn=/);
    });

    it('reports an InvalidInput caught at the stop with the ARN from the raw input and empty facts', () => {
      // Prepare
      const state: GracefulStopState = {
        raw: { pipelineExecutionArn: ARN, maxWaitSeconds: 0 },
        executionId: EXECUTION_ID,
        released: [],
        failure: {
          Error: 'InvalidInput',
          Cause: lambdaCause('InvalidInput', 'maxWaitSeconds is number 0; expected an integer number of seconds from 1 to 86400.'),
        },
      };
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBe('InvalidInput');
      expect(result.cause).toBe(
        `maxWaitSeconds is number 0; expected an integer number of seconds from 1 to 86400. [pipelineExecutionArn=${ARN}, finalStatus=unknown, waitedSeconds=0, polls=0]`,
      );
      expect(result.document).toEqual({
        pipelineExecutionArn: ARN,
        pipelineName: '',
        outcome: null,
        finalStatus: null,
        stopRequestedAt: null,
        finishedAt: FINISHED_AT,
        waitedSeconds: 0,
        polls: 0,
        steps: [],
        releasedCallbackSteps: [],
      });
    });

    it('reads the ARN from an EventBridge envelope when the input was invalid', () => {
      // Prepare
      const state: GracefulStopState = {
        raw: { 'detail-type': 'x', source: 'y', detail: { pipelineExecutionArn: ARN, force: true } },
        executionId: EXECUTION_ID,
        failure: { Error: 'InvalidInput', Cause: 'unknown field' },
      };
      // Act
      const { document } = reportOutcome(state, clock());
      // Assess
      expect(document.pipelineExecutionArn).toBe(ARN);
    });

    it.each([
      ['a number', { pipelineExecutionArn: 42 }],
      ['an array', [ARN]],
      ['null', null],
    ])('reports no ARN when the raw input holds %s', (_label, raw) => {
      // Prepare
      const state: GracefulStopState = { raw, executionId: EXECUTION_ID, failure: { Error: 'InvalidInput', Cause: 'bad input' } };
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.document.pipelineExecutionArn).toBe('');
      expect(result.cause).toContain('[pipelineExecutionArn=(none),');
    });

    it('passes an unknown error name through', () => {
      // Prepare
      const state: GracefulStopState = {
        ...checkedState(),
        failure: {
          Error: 'AccessDeniedException',
          Cause: lambdaCause('AccessDeniedException', 'User is not authorized to perform sagemaker:StopPipelineExecution'),
        },
      };
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBe('AccessDeniedException');
      expect(result.cause).toMatch(/^User is not authorized to perform sagemaker:StopPipelineExecution \[/);
    });

    it('names an unnamed failure GracefulStopFailed and says what failed when the Cause is empty', () => {
      // Prepare
      const state: GracefulStopState = { raw: {}, executionId: EXECUTION_ID, failure: { Error: '' } };
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBe('GracefulStopFailed');
      expect(result.cause).toMatch(/^The graceful stop failed with \. \[/);
    });

    it('says which error failed the graceful stop when the Cause is missing', () => {
      // Prepare
      const state: GracefulStopState = { ...checkedState(), failure: { Error: 'Lambda.Unknown' } };
      // Act
      const { error, cause } = reportOutcome(state, clock());
      // Assess
      expect(error).toBe('Lambda.Unknown');
      expect(cause).toMatch(/^The graceful stop failed with Lambda\.Unknown\. \[/);
    });

    it('prefers the caught failure to the last check', () => {
      // Prepare
      const state: GracefulStopState = {
        ...checkedState({ check: { status: 'Stopped', polls: 9 } }),
        failure: { Error: 'ThrottlingException', Cause: 'Rate exceeded' },
      };
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBe('ThrottlingException');
      expect(result.document).toMatchObject({ outcome: null, finalStatus: 'Stopped', polls: 9 });
      expect(result.cause).toContain('finalStatus=Stopped');
    });
  });

  describe('unexpected states', () => {
    it('fails with GracefulStopFailed when there is no check to report on', () => {
      // Prepare
      const state: GracefulStopState = { raw: { pipelineExecutionArn: ARN }, executionId: EXECUTION_ID };
      // Act
      const { error, cause } = reportOutcome(state, clock());
      // Assess
      expect(error).toBe('GracefulStopFailed');
      expect(cause).toMatch(/^The graceful stop reached its report without a stop request or a status check\. \[/);
    });

    it('fails with GracefulStopFailed when the execution is still running without a passed deadline', () => {
      // Prepare
      const state = checkedState({ check: { status: 'Executing' } });
      // Act
      const { error, cause } = reportOutcome(state, clock());
      // Assess
      expect(error).toBe('GracefulStopFailed');
      expect(cause).toContain('still Executing');
    });
  });

  describe('cause format', () => {
    it.each<[string, GracefulStopState]>([
      [
        'PipelineExecutionNotRunning',
        checkedState({ request: { failIfNotRunning: true }, stop: { accepted: false, statusAtStop: 'Stopped' } }),
      ],
      ['PipelineExecutionFailed', checkedState({ check: { status: 'Failed', steps: [stepView({ status: 'Failed' })] } })],
      ['DrainTimedOut', checkedState({ check: { status: 'Stopping', deadlinePassed: true, draining: [stepView()] } })],
      [
        'PipelineExecutionNotFound',
        { ...checkedState(), failure: { Error: 'PipelineExecutionNotFound', Cause: lambdaCause('PipelineExecutionNotFound', 'Gone.') } },
      ],
    ])('is one sentence followed by the facts for %s', (error, state) => {
      // Act
      const result = reportOutcome(state, clock());
      // Assess
      expect(result.error).toBe(error);
      expect(result.cause).toMatch(FACTS);
      expect(result.cause).not.toContain('\n');
      expect(result.cause).toContain(`pipelineExecutionArn=${ARN}`);
    });

    it('stays bounded and keeps its facts when hundreds of steps are still draining', () => {
      // Prepare
      const draining = Array.from({ length: 300 }, (_, index) => stepView({ name: `ParallelStep${index}`, type: 'Lambda' }));
      const state = checkedState({ check: { status: 'Stopping', deadlinePassed: true, draining, polls: 61 } });
      // Act
      const { cause } = reportOutcome(state, clock());
      // Assess
      expect(cause!.length).toBeLessThanOrEqual(2_000);
      expect(cause).toMatch(
        /^The pipeline execution was still Stopping after the 900 s deadline; still draining: Lambda step 'ParallelStep0'/,
      );
      expect(cause).toMatch(FACTS);
      expect(cause).toContain('polls=61]');
      expect(cause).toContain('…');
    });

    it('stays bounded and keeps its facts when a caught Cause is huge', () => {
      // Prepare
      const state: GracefulStopState = { ...checkedState(), failure: { Error: 'InternalFailure', Cause: 'x'.repeat(50_000) } };
      // Act
      const { cause } = reportOutcome(state, clock());
      // Assess
      expect(cause!.length).toBeLessThanOrEqual(2_000);
      expect(cause).toMatch(FACTS);
    });
  });
});

describe('readableCause', () => {
  it.each([
    ['the errorMessage of a Lambda error', { Error: 'X', Cause: lambdaCause('X', 'Went wrong.') }, 'Went wrong.'],
    ['a plain text Cause', { Error: 'X', Cause: 'Plain words.' }, 'Plain words.'],
    ['a JSON Cause without errorMessage as text', { Error: 'X', Cause: '{"message":"m"}' }, '{"message":"m"}'],
    ['a JSON Cause whose errorMessage is not a string as text', { Error: 'X', Cause: '{"errorMessage":5}' }, '{"errorMessage":5}'],
    ['a JSON null Cause as text', { Error: 'X', Cause: 'null' }, 'null'],
    ['a missing Cause as a sentence naming the error', { Error: 'States.Timeout' }, 'The graceful stop failed with States.Timeout.'],
  ])('returns %s', (_label, failure, expected) => {
    // Act / Assess
    expect(readableCause(failure)).toBe(expected);
  });
});
