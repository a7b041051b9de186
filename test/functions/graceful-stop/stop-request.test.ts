import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { parseStopRequest, unwrapEnvelope } from '#graceful-stop/stop-request.js';
import { MAX_REASON_LENGTH } from '#commons/validation.js';
import { parsePipelineExecutionArn } from '#pipeline-runs/execution-arn.js';
import { stopPipelineExecution } from '#graceful-stop/stop-pipeline-execution.logic.js';
import { ARN, EXECUTION_ID, FakeClock } from '#test/support/fixtures.js';
import { s3StopRecords } from '#stop-records/stop-records.js';
import { MemoryObjects } from '#test/support/memory-objects.js';

const objects = new MemoryObjects();

const sagemaker = mockClient(SageMakerClient);
const defaults = { maxWaitSeconds: 900 };
const envelope = (detail: unknown): Record<string, unknown> => ({
  version: '0',
  id: 'e1',
  'detail-type': 'Graceful Stop Requested',
  source: 'my.app',
  account: '123456789012',
  region: 'us-east-1',
  resources: [],
  detail,
});
const arnWithResource = (resource: string): string => `arn:aws:sagemaker:us-east-1:123456789012:${resource}`;

/** [what is wrong, raw input, what the message must say was expected] */
const MALFORMED: [string, unknown, RegExp][] = [
  ['a missing pipelineExecutionArn', {}, /no pipelineExecutionArn; expected the ARN/],
  ['an empty pipelineExecutionArn', { pipelineExecutionArn: '' }, /is empty; expected a SageMaker pipeline execution ARN/],
  ['a blank pipelineExecutionArn', { pipelineExecutionArn: '   ' }, /is empty; expected/],
  ['a number as pipelineExecutionArn', { pipelineExecutionArn: 123 }, /is number 123; expected a SageMaker pipeline execution ARN string/],
  ['a boolean as pipelineExecutionArn', { pipelineExecutionArn: true }, /is boolean true; expected .* ARN string/],
  ['an object as pipelineExecutionArn', { pipelineExecutionArn: { arn: ARN } }, /is an object; expected .* ARN string/],
  ['a null pipelineExecutionArn', { pipelineExecutionArn: null }, /is null; expected .* ARN string/],
  ['a string that is not an ARN', { pipelineExecutionArn: 'demo-pipeline/abc123' }, /is not an ARN; expected arn:aws:sagemaker:/],
  [
    'an ARN of another service',
    { pipelineExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:machine:run' },
    /service "states", not sagemaker; expected arn:aws:sagemaker:/,
  ],
  [
    'a pipeline ARN without an execution',
    { pipelineExecutionArn: arnWithResource('pipeline/demo-pipeline') },
    /pipeline ARN without an execution\); expected .*\/execution\/<id>/,
  ],
  [
    'a training job ARN',
    { pipelineExecutionArn: arnWithResource('training-job/my-job') },
    /names the resource "training-job\/my-job"; expected/,
  ],
  [
    'an ARN with a trailing path segment',
    { pipelineExecutionArn: arnWithResource('pipeline/demo/execution/abc/extra') },
    /names the resource .*; expected/,
  ],
  [
    'a malformed region',
    { pipelineExecutionArn: 'arn:aws:sagemaker:useast1:123456789012:pipeline/demo/execution/abc123' },
    /malformed region or account id; expected/,
  ],
  [
    'a malformed account id',
    { pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:12345:pipeline/demo/execution/abc123' },
    /malformed region or account id; expected/,
  ],
  [
    'an unknown partition',
    { pipelineExecutionArn: 'arn:azure:sagemaker:us-east-1:123456789012:pipeline/demo/execution/abc123' },
    /names the partition "azure"; expected one of aws, aws-cn, aws-us-gov, /,
  ],
  [
    'a partition that looks real but is not',
    { pipelineExecutionArn: 'arn:aws-xx:sagemaker:us-east-1:123456789012:pipeline/demo/execution/abc123' },
    /names the partition "aws-xx"; expected one of aws, aws-cn, aws-us-gov, /,
  ],
  [
    "a region outside the ARN's partition",
    { pipelineExecutionArn: 'arn:aws-cn:sagemaker:us-east-1:123456789012:pipeline/demo/execution/abc123' },
    /names region "us-east-1", which is not in partition "aws-cn"/,
  ],
  [
    'a reason with an escape sequence',
    { pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/demo/execution/abc123', reason: 'release\x1b[2J' },
    /reason has a control character \(U\+001B\) at position 8; expected printable text on one line/,
  ],
  [
    'a reason that forges a second line',
    { pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/demo/execution/abc123', reason: 'ok\noutcome Stopped' },
    /reason has a control character \(U\+000A\) at position 3/,
  ],
  [
    'an execution id with forbidden characters',
    { pipelineExecutionArn: arnWithResource('pipeline/demo/execution/abc_123!') },
    /invalid execution id; expected 1-64 letters and digits/,
  ],
  [
    'an execution id longer than 64 characters',
    { pipelineExecutionArn: arnWithResource(`pipeline/demo/execution/${'a'.repeat(65)}`) },
    /invalid execution id; expected 1-64 letters and digits/,
  ],
  [
    'a pipeline name starting with a hyphen',
    { pipelineExecutionArn: arnWithResource('pipeline/-demo/execution/abc123') },
    /invalid pipeline name; expected 1-256 letters, digits and hyphens/,
  ],
  [
    'an over-long ARN',
    { pipelineExecutionArn: arnWithResource(`pipeline/${'p'.repeat(2100)}/execution/abc`) },
    /is \d{4} characters long; expected an ARN of at most 2048 characters/,
  ],
  [
    'maxWaitSeconds of 0',
    { pipelineExecutionArn: ARN, maxWaitSeconds: 0 },
    /maxWaitSeconds is number 0; expected an integer number of seconds from 1 to 86400/,
  ],
  [
    'a negative maxWaitSeconds',
    { pipelineExecutionArn: ARN, maxWaitSeconds: -60 },
    /maxWaitSeconds is number -60; expected an integer .* from 1 to 86400/,
  ],
  ['a fractional maxWaitSeconds', { pipelineExecutionArn: ARN, maxWaitSeconds: 1.5 }, /maxWaitSeconds is number 1.5; expected an integer/],
  ['maxWaitSeconds as a string', { pipelineExecutionArn: ARN, maxWaitSeconds: '600' }, /maxWaitSeconds is "600"; expected an integer/],
  [
    'maxWaitSeconds above a day',
    { pipelineExecutionArn: ARN, maxWaitSeconds: 86_401 },
    /maxWaitSeconds is number 86401; expected .* from 1 to 86400/,
  ],
  [
    'a negative releaseCallbacksAfterSeconds',
    { pipelineExecutionArn: ARN, releaseCallbacksAfterSeconds: -1 },
    /releaseCallbacksAfterSeconds is number -1; expected an integer number of seconds from 0 to 86400/,
  ],
  [
    'a fractional releaseCallbacksAfterSeconds',
    { pipelineExecutionArn: ARN, releaseCallbacksAfterSeconds: 2.5 },
    /releaseCallbacksAfterSeconds is number 2.5; expected an integer/,
  ],
  [
    'releaseCallbacksAfterSeconds as a string',
    { pipelineExecutionArn: ARN, releaseCallbacksAfterSeconds: 'soon' },
    /releaseCallbacksAfterSeconds is "soon"; expected an integer/,
  ],
  [
    'releaseCallbacksAfterSeconds equal to maxWaitSeconds',
    { pipelineExecutionArn: ARN, maxWaitSeconds: 300, releaseCallbacksAfterSeconds: 300 },
    /releaseCallbacksAfterSeconds \(300\) is not below maxWaitSeconds \(300\); expected a grace period shorter than the deadline/,
  ],
  [
    'releaseCallbacksAfterSeconds above maxWaitSeconds',
    { pipelineExecutionArn: ARN, maxWaitSeconds: 300, releaseCallbacksAfterSeconds: 600 },
    /is not below maxWaitSeconds \(300\); expected a grace period shorter/,
  ],
  [
    'a 257-character reason',
    { pipelineExecutionArn: ARN, reason: 'r'.repeat(MAX_REASON_LENGTH + 1) },
    /reason is a 257-character string; expected a non-empty string of at most 256 characters/,
  ],
  ['an empty reason', { pipelineExecutionArn: ARN, reason: '' }, /reason is ""; expected a non-empty string/],
  ['a blank reason', { pipelineExecutionArn: ARN, reason: '  ' }, /reason is " {2}"; expected a non-empty string/],
  ['a number as reason', { pipelineExecutionArn: ARN, reason: 7 }, /reason is number 7; expected a non-empty string/],
  [
    'failIfNotRunning as a string',
    { pipelineExecutionArn: ARN, failIfNotRunning: 'true' },
    /failIfNotRunning is "true"; expected true or false/,
  ],
  [
    'failIfNotRunning as a number',
    { pipelineExecutionArn: ARN, failIfNotRunning: 1 },
    /failIfNotRunning is number 1; expected true or false/,
  ],
  ['drainOnly as a string', { pipelineExecutionArn: ARN, drainOnly: 'yes' }, /drainOnly is "yes"; expected true or false/],
  [
    'stopLeftoverJobs as a number',
    { pipelineExecutionArn: ARN, stopLeftoverJobs: 0 },
    /stopLeftoverJobs is number 0; expected true or false/,
  ],
  [
    'an unknown field',
    { pipelineExecutionArn: ARN, force: true },
    /unknown field\(s\) "force"; expected only pipelineExecutionArn, reason/,
  ],
  ['a misspelt field', { pipelineExecutionArn: ARN, maxWaitSecs: 60 }, /unknown field\(s\) "maxWaitSecs"; expected only/],
  ['an array input', [ARN], /The input is an array; expected a JSON object with pipelineExecutionArn/],
  ['a null input', null, /The input is null; expected a JSON object/],
  ['a string input', ARN, /The input is a \d+-character string; expected a JSON object/],
  ['a number input', 42, /The input is number 42; expected a JSON object/],
  ['an undefined input', undefined, /The input is undefined undefined; expected a JSON object/],
  ['an EventBridge envelope whose detail has a bad ARN', envelope({ pipelineExecutionArn: 'nope' }), /"nope" is not an ARN; expected/],
  ['an EventBridge envelope whose detail is null', envelope(null), /The input is null; expected a JSON object/],
  ['an EventBridge envelope whose detail is a string', envelope(ARN), /The input is a \d+-character string; expected/],
  ['an EventBridge envelope whose detail has no ARN', envelope({ reason: 'x' }), /no pipelineExecutionArn; expected/],
];

describe('parseStopRequest', () => {
  it('covers at least fifteen malformed inputs', () => {
    // Assess
    expect(MALFORMED.length).toBeGreaterThanOrEqual(15);
  });

  it.each(MALFORMED)('rejects %s with InvalidInput saying what was expected', (_label, raw, expected) => {
    // Act
    const parse = (): unknown => parseStopRequest(raw, defaults);
    // Assess
    expect(parse).toThrow(expected);
    expect(parse).toThrow(expect.objectContaining({ name: 'InvalidInput' }));
  });

  it('applies the defaults to a minimal input', () => {
    // Act
    const parsed = parseStopRequest({ pipelineExecutionArn: ARN }, defaults);
    // Assess
    expect(parsed).toEqual({
      pipelineExecutionArn: ARN,
      pipelineName: 'demo-pipeline',
      maxWaitSeconds: 900,
      failIfNotRunning: false,
    });
  });

  it('keeps every field of a complete input', () => {
    // Prepare
    const raw = {
      pipelineExecutionArn: ARN,
      reason: 'Cost cut',
      maxWaitSeconds: 600,
      failIfNotRunning: true,
      releaseCallbacksAfterSeconds: 120,
    };
    // Act
    const parsed = parseStopRequest(raw, defaults);
    // Assess
    expect(parsed).toEqual({ ...raw, pipelineName: 'demo-pipeline' });
  });

  it('reads the input from the detail of an EventBridge envelope', () => {
    // Act
    const parsed = parseStopRequest(envelope({ pipelineExecutionArn: ARN, reason: 'From a rule', maxWaitSeconds: 60 }), defaults);
    // Assess
    expect(parsed).toEqual({
      pipelineExecutionArn: ARN,
      pipelineName: 'demo-pipeline',
      reason: 'From a rule',
      maxWaitSeconds: 60,
      failIfNotRunning: false,
    });
  });

  it('recognises an envelope that has source and detail but no detail-type', () => {
    // Act
    const parsed = parseStopRequest({ source: 'my.app', detail: { pipelineExecutionArn: ARN } }, defaults);
    // Assess
    expect(parsed.pipelineExecutionArn).toBe(ARN);
  });

  it('treats null optional fields as absent', () => {
    // Act
    const parsed = parseStopRequest(
      { pipelineExecutionArn: ARN, reason: null, maxWaitSeconds: null, failIfNotRunning: null, releaseCallbacksAfterSeconds: null },
      defaults,
    );
    // Assess
    expect(parsed).toEqual({ pipelineExecutionArn: ARN, pipelineName: 'demo-pipeline', maxWaitSeconds: 900, failIfNotRunning: false });
  });

  it.each([
    ['the smallest maxWaitSeconds', { maxWaitSeconds: 1 }],
    ['the largest maxWaitSeconds', { maxWaitSeconds: 86_400 }],
    ['a releaseCallbacksAfterSeconds of 0', { releaseCallbacksAfterSeconds: 0 }],
    ['a releaseCallbacksAfterSeconds one below maxWaitSeconds', { maxWaitSeconds: 60, releaseCallbacksAfterSeconds: 59 }],
    ['a reason of exactly 256 characters', { reason: 'r'.repeat(256) }],
    ['failIfNotRunning false', { failIfNotRunning: false }],
  ])('accepts %s', (_label, fields) => {
    // Act
    const parsed = parseStopRequest({ pipelineExecutionArn: ARN, ...fields }, defaults);
    // Assess
    expect(parsed).toMatchObject(fields);
  });

  it.each([
    ['GovCloud', 'arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:pipeline/p/execution/x1'],
    ['China', 'arn:aws-cn:sagemaker:cn-north-1:123456789012:pipeline/p/execution/x1'],
    ['a long pipeline name', `arn:aws:sagemaker:eu-central-1:123456789012:pipeline/${'a-b'.repeat(80)}/execution/${'z'.repeat(64)}`],
  ])('accepts an execution ARN in %s', (_label, arn) => {
    // Act
    const parsed = parseStopRequest({ pipelineExecutionArn: arn }, defaults);
    // Assess
    expect(parsed.pipelineExecutionArn).toBe(arn);
  });

  it('applies a configured default grace period when the input has none', () => {
    // Act
    const parsed = parseStopRequest({ pipelineExecutionArn: ARN }, { maxWaitSeconds: 900, releaseCallbacksAfterSeconds: 300 });
    // Assess
    expect(parsed.releaseCallbacksAfterSeconds).toBe(300);
  });

  it('lets the input grace period override the configured default', () => {
    // Act
    const parsed = parseStopRequest(
      { pipelineExecutionArn: ARN, releaseCallbacksAfterSeconds: 10 },
      { maxWaitSeconds: 900, releaseCallbacksAfterSeconds: 300 },
    );
    // Assess
    expect(parsed.releaseCallbacksAfterSeconds).toBe(10);
  });

  it('does not reject a valid input because the configured default grace period exceeds its shorter maxWaitSeconds', () => {
    // Act
    const parsed = parseStopRequest(
      { pipelineExecutionArn: ARN, maxWaitSeconds: 60 },
      { maxWaitSeconds: 900, releaseCallbacksAfterSeconds: 300 },
    );
    // Assess: the default could never fire before the deadline, so it is dropped
    expect(parsed).toEqual({ pipelineExecutionArn: ARN, pipelineName: 'demo-pipeline', maxWaitSeconds: 60, failIfNotRunning: false });
  });
});

describe('parsePipelineExecutionArn', () => {
  it('returns the parts of a pipeline execution ARN', () => {
    // Act
    const parts = parsePipelineExecutionArn(ARN);
    // Assess
    expect(parts).toEqual({
      partition: 'aws',
      region: 'us-east-1',
      accountId: '123456789012',
      pipelineName: 'demo-pipeline',
      executionId: 'abc123def456',
    });
  });

  it('names the field it was given in its message', () => {
    // Act / Assess
    expect(() => parsePipelineExecutionArn(5, 'arguments.arn')).toThrow(/^arguments\.arn is number 5; expected/);
  });
});

describe('unwrapEnvelope', () => {
  it('returns the detail of an EventBridge envelope', () => {
    // Act / Assess
    expect(unwrapEnvelope(envelope({ pipelineExecutionArn: ARN }))).toEqual({ pipelineExecutionArn: ARN });
  });

  it('returns any other value unchanged', () => {
    // Prepare
    const plain = { pipelineExecutionArn: ARN, detail: 'not an envelope without detail-type or source' };
    // Act / Assess
    expect(unwrapEnvelope(plain)).toBe(plain);
    expect(unwrapEnvelope('text')).toBe('text');
  });
});

describe('stopPipelineExecution with malformed input', () => {
  beforeEach(() => sagemaker.reset());

  it.each(MALFORMED)('makes no SageMaker call for %s', async (_label, raw, expected) => {
    // Act
    const stopping = stopPipelineExecution(
      { raw, executionId: EXECUTION_ID },
      { sagemaker: new SageMakerClient({}), clock: new FakeClock(), defaults, stopRecords: s3StopRecords(objects) },
    );
    // Assess
    await expect(stopping).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringMatching(expected) });
    expect(sagemaker.calls()).toHaveLength(0);
    expect(objects.calls).toHaveLength(0);
  });
});
