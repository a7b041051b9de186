/** local/events/pattern.ts: EventBridge's matching, off AWS, for the rules of template.yaml. */
import { describe, expect, it } from 'vitest';
import { matchesEventPattern } from '#local/events/pattern.js';
import { readTemplate } from '#local/template.js';

const event = (detail: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'e1',
  'detail-type': 'SageMaker Model Building Pipeline Execution Status Change',
  source: 'aws.sagemaker',
  account: '123456789012',
  time: '2026-12-02T08:00:00Z',
  region: 'us-east-1',
  resources: [
    'arn:aws:sagemaker:us-east-1:123456789012:pipeline/training-a',
    'arn:aws:sagemaker:us-east-1:123456789012:pipeline/training-a/execution/x1',
  ],
  detail,
  ...extra,
});

describe('matchesEventPattern', () => {
  it("routes template.yaml's own Graceful Stop Requested rule: its events, and nothing else", () => {
    // Prepare: the pattern as the template deploys it, not a copy.
    const machine = readTemplate().Resources.GracefulStopStateMachine?.Properties as {
      Events: Record<string, { Properties: { Pattern: Record<string, never> } }>;
    };
    const pattern = machine.Events.GracefulStopRequested?.Properties.Pattern ?? {};
    const requested = {
      source: 'sagemaker-pipelines.graceful-stop',
      'detail-type': 'Graceful Stop Requested',
      detail: { pipelineExecutionArn: 'arn:x' },
    };

    // Act / Assess
    expect(matchesEventPattern(pattern, requested)).toBe(true);
    expect(matchesEventPattern(pattern, { ...requested, 'detail-type': 'Graceful Stop Completed' })).toBe(false);
    expect(matchesEventPattern(pattern, event({ currentPipelineExecutionStatus: 'Stopping' }))).toBe(false);
  });

  it('matches any of a list of literal values, in nested fields and in arrays of the event', () => {
    // Prepare
    const pattern = {
      source: ['aws.sagemaker'],
      detail: { currentPipelineExecutionStatus: ['Stopping', 'Stopped'] },
      resources: ['arn:aws:sagemaker:us-east-1:123456789012:pipeline/training-a'],
    };
    // Assess
    expect(matchesEventPattern(pattern, event({ currentPipelineExecutionStatus: 'Stopping' }))).toBe(true);
    expect(matchesEventPattern(pattern, event({ currentPipelineExecutionStatus: 'Executing' }))).toBe(false);
    expect(matchesEventPattern(pattern, event({}))).toBe(false);
  });

  it.each([
    [{ prefix: 'training-' }, 'training-a', true],
    [{ prefix: 'training-' }, 'scoring-a', false],
    [{ suffix: '-a' }, 'training-a', true],
    [{ 'equals-ignore-case': 'STOPPING' }, 'Stopping', true],
    [{ wildcard: 'arn:*:pipeline/training-*' }, 'arn:aws:sagemaker:us-east-1:1:pipeline/training-a', true],
    [{ wildcard: 'arn:*:pipeline/training-*' }, 'arn:aws:sagemaker:us-east-1:1:pipeline/scoring', false],
    [{ 'anything-but': ['Executing', 'Succeeded'] }, 'Stopping', true],
    [{ 'anything-but': 'Executing' }, 'Executing', false],
    [{ 'anything-but': { prefix: 'training-' } }, 'scoring-a', true],
    [{ numeric: ['>', 0, '<=', 5] }, 5, true],
    [{ numeric: ['>', 0, '<=', 5] }, 6, false],
  ])('applies %j to %j: %s', (matcher, value, expected) => {
    expect(matchesEventPattern({ detail: { field: [matcher] } }, event({ field: value }))).toBe(expected);
  });

  it('tells a missing field from a null one: exists, and null matching only null', () => {
    // Assess
    expect(matchesEventPattern({ detail: { executionEndTime: [{ exists: false }] } }, event({}))).toBe(true);
    expect(matchesEventPattern({ detail: { executionEndTime: [{ exists: true }] } }, event({}))).toBe(false);
    expect(matchesEventPattern({ detail: { executionEndTime: [null] } }, event({}))).toBe(false);
    expect(matchesEventPattern({ detail: { executionEndTime: [null] } }, event({ executionEndTime: null }))).toBe(true);
  });

  it('matches $or when any alternative does', () => {
    // Prepare
    const pattern = { $or: [{ detail: { error: [{ exists: true }] } }, { detail: { outcome: [{ 'anything-but': 'Stopped' }] } }] };
    // Assess
    expect(matchesEventPattern(pattern, event({ outcome: 'AlreadyStopped' }))).toBe(true);
    expect(matchesEventPattern(pattern, event({ error: 'DrainTimedOut' }))).toBe(true);
    expect(matchesEventPattern(pattern, event({ outcome: 'Stopped' }))).toBe(false);
  });

  it('names an operator it does not know instead of guessing', () => {
    expect(() => matchesEventPattern({ detail: { field: [{ cidr: '10.0.0.0/8' }] } }, event({ field: '10.1.1.1' }))).toThrow(
      expect.objectContaining({ name: 'UnsupportedEventPattern', message: expect.stringContaining('"cidr" is not supported off AWS') }),
    );
  });
});
