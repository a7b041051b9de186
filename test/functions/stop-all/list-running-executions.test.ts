/** functions/stop-all/list-running-executions.logic.ts and its handler: the stop-all input and the listing of running executions. */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ListPipelineExecutionsCommand,
  ResourceNotFound,
  SageMakerClient,
  type PipelineExecutionStatus,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-sagemaker';
import { listRunningExecutions, parseStopAllRequest, type StopAllRequest } from '../../../functions/stop-all/list-running-executions.logic.js';
import { FakeClock, T0, sdkError } from '../fixtures.js';

const sagemaker = mockClient(SageMakerClient);
const PIPELINE = 'nightly-scoring';
const arnOf = (id: string): string => `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${PIPELINE}/execution/${id}`;
const summary = (id: string, status: PipelineExecutionStatus, minutesBeforeT0: number): PipelineExecutionSummary => ({
  PipelineExecutionArn: arnOf(id),
  PipelineExecutionStatus: status,
  StartTime: new Date(Date.parse(T0) - minutesBeforeT0 * 60_000),
});
const request = (overrides: Partial<StopAllRequest> = {}): StopAllRequest => ({ pipelineName: PIPELINE, olderThanSeconds: 0, maxConcurrency: 5, ...overrides });
const deps = (limits = { maxItems: 100, maxPages: 100 }) => ({ sagemaker: new SageMakerClient({ region: 'us-east-1' }), clock: new FakeClock(T0), limits });

describe('parseStopAllRequest', () => {
  it('fills in the defaults: every running execution, five at a time', () => {
    // Prepare
    const raw = { pipelineName: PIPELINE };
    // Act
    const parsed = parseStopAllRequest(raw);
    // Assess
    expect(parsed).toEqual({ pipelineName: PIPELINE, olderThanSeconds: 0, maxConcurrency: 5 });
  });

  it('keeps the options it passes on to every graceful stop', () => {
    // Prepare
    const raw = { pipelineName: PIPELINE, olderThanSeconds: 3600, maxConcurrency: 40, reason: 'release 2026.11', maxWaitSeconds: 1200 };
    // Act
    const parsed = parseStopAllRequest(raw);
    // Assess
    expect(parsed).toEqual(raw);
  });

  it.each([
    ['a non-object input', 'nightly-scoring', /^The input is "nightly-scoring"; expected a JSON object with pipelineName\.$/],
    ['a missing pipelineName', {}, /^pipelineName is undefined undefined; expected a pipeline name/],
    ['a pipeline ARN instead of a name', { pipelineName: `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${PIPELINE}` }, /^pipelineName is an ARN; expected the pipeline's name \(what follows "pipeline\/" in its ARN\)\.$/],
    ['a maxConcurrency of 0', { pipelineName: PIPELINE, maxConcurrency: 0 }, /^maxConcurrency is number 0; expected an integer from 1 to 40\.$/],
    ['a maxConcurrency of 41', { pipelineName: PIPELINE, maxConcurrency: 41 }, /^maxConcurrency is number 41; expected an integer from 1 to 40\.$/],
    ['a fractional maxConcurrency', { pipelineName: PIPELINE, maxConcurrency: 2.5 }, /^maxConcurrency is number 2\.5/],
    ['a negative olderThanSeconds', { pipelineName: PIPELINE, olderThanSeconds: -1 }, /^olderThanSeconds is number -1; expected an integer from 0 to 31536000\.$/],
    ['a string olderThanSeconds', { pipelineName: PIPELINE, olderThanSeconds: '3600' }, /^olderThanSeconds is "3600"/],
    ['an empty reason', { pipelineName: PIPELINE, reason: ' ' }, /^reason is " "; expected a non-empty string/],
    ['an unknown field', { pipelineName: PIPELINE, status: 'Executing' }, /^The input has unknown field\(s\) "status"; expected only pipelineName, olderThanSeconds, maxConcurrency, reason, maxWaitSeconds\.$/],
  ])('rejects %s with InvalidInput saying what was expected', (_label, raw, message) => {
    // Prepare
    const parse = (): unknown => parseStopAllRequest(raw);
    // Act
    const expected = expect.objectContaining({ name: 'InvalidInput', message: expect.stringMatching(message) });
    // Assess
    expect(parse).toThrow(expected);
  });
});

describe('listRunningExecutions', () => {
  beforeEach(() => {
    sagemaker.reset();
  });

  it('reads every page and keeps only the Executing runs, oldest first', async () => {
    // Prepare
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .resolvesOnce({ PipelineExecutionSummaries: [summary('new1', 'Executing', 1), summary('s1', 'Stopped', 2)], NextToken: 'p2' })
      .resolvesOnce({ PipelineExecutionSummaries: [summary('f1', 'Failed', 3), summary('old1', 'Executing', 50)], NextToken: 'p3' })
      .resolvesOnce({ PipelineExecutionSummaries: [summary('st1', 'Stopping', 60), summary('ok1', 'Succeeded', 70)] });

    // Act
    const listing = await listRunningExecutions(request({ reason: 'cleanup' }), deps());

    // Assess
    expect(listing).toEqual({
      request: request({ reason: 'cleanup' }),
      listedAt: T0,
      scanned: 6,
      pagesRead: 3,
      scanComplete: true,
      running: 2,
      items: [
        { pipelineExecutionArn: arnOf('old1'), reason: 'cleanup' },
        { pipelineExecutionArn: arnOf('new1'), reason: 'cleanup' },
      ],
      omitted: 0,
      tooRecent: 0,
    });
    const inputs = sagemaker.commandCalls(ListPipelineExecutionsCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.NextToken)).toEqual([undefined, 'p2', 'p3']);
    expect(inputs[0]).toMatchObject({ PipelineName: PIPELINE, SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100 });
  });

  it('leaves runs younger than olderThanSeconds running and counts them', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({
      PipelineExecutionSummaries: [summary('young', 'Executing', 10), summary('old', 'Executing', 90), { PipelineExecutionArn: arnOf('ageless'), PipelineExecutionStatus: 'Executing' }],
    });

    // Act
    const listing = await listRunningExecutions(request({ olderThanSeconds: 3600 }), deps());

    // Assess
    expect(listing.items).toEqual([{ pipelineExecutionArn: arnOf('old') }]);
    expect(listing).toMatchObject({ running: 1, tooRecent: 2 });
  });

  it('caps the items at maxItems, oldest first, and counts the omitted ones', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({
      PipelineExecutionSummaries: [summary('a', 'Executing', 1), summary('b', 'Executing', 2), summary('c', 'Executing', 3)],
    });

    // Act
    const listing = await listRunningExecutions(request(), deps({ maxItems: 2, maxPages: 100 }));

    // Assess
    expect(listing.items.map((item) => item.pipelineExecutionArn)).toEqual([arnOf('c'), arnOf('b')]);
    expect(listing).toMatchObject({ running: 3, omitted: 1 });
  });

  it('stops at the page bound and says the scan is incomplete', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [summary('s', 'Succeeded', 1)], NextToken: 'more' });

    // Act
    const listing = await listRunningExecutions(request(), deps({ maxItems: 100, maxPages: 4 }));

    // Assess
    expect(sagemaker.commandCalls(ListPipelineExecutionsCommand)).toHaveLength(4);
    expect(listing).toMatchObject({ pagesRead: 4, scanned: 4, scanComplete: false, running: 0, items: [] });
  });

  it('turns ResourceNotFound into PipelineNotFound naming the pipeline', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).rejects(new ResourceNotFound({ message: 'Pipeline not found', $metadata: {} }));

    // Act
    const listing = listRunningExecutions(request(), deps());

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'PipelineNotFound', message: expect.stringContaining(`no pipeline named "${PIPELINE}"`) });
  });

  it('lets throttling through by name for the state machine Retry', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).rejects(sdkError('ThrottlingException', 'Rate exceeded'));

    // Act
    const listing = listRunningExecutions(request(), deps());

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
