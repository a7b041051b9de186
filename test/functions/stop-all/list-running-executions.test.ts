/** functions/stop-all: the stop-all input (one name, names or a pattern, within the deployment's scope) and the listing in batches. */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  ResourceNotFound,
  SageMakerClient,
  type PipelineExecutionStatus,
  type PipelineExecutionSummary,
} from '@aws-sdk/client-sagemaker';
import { listRunningExecutions } from '#stop-all/list-running-executions.logic.js';
import type { StopAllLoopState } from '#stop-all/model.js';
import { matchesGlob, parseStopAllRequest, patternWithinScope, type StopAllRequest } from '#stop-all/stop-all-request.js';
import { FakeClock, T0, sdkError } from '#test/functions/fixtures.js';

const sagemaker = mockClient(SageMakerClient);
const PIPELINE = 'nightly-scoring';
const arnOf = (id: string, pipeline = PIPELINE): string => `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${pipeline}/execution/${id}`;
const summary = (id: string, status: PipelineExecutionStatus, minutesBeforeT0: number, pipeline = PIPELINE): PipelineExecutionSummary => ({
  PipelineExecutionArn: arnOf(id, pipeline),
  PipelineExecutionStatus: status,
  StartTime: new Date(Date.parse(T0) - minutesBeforeT0 * 60_000),
});
const request = (overrides: Partial<StopAllRequest> = {}): StopAllRequest => ({ pipelineName: PIPELINE, olderThanSeconds: 0, maxConcurrency: 5, dryRun: false, ...overrides });
const limits = { maxItems: 100, batchSize: 100, maxPages: 100 };
const deps = (overrides: Partial<typeof limits> = {}, scope = '*') => ({
  sagemaker: new SageMakerClient({ region: 'us-east-1' }),
  clock: new FakeClock(T0),
  limits: { ...limits, ...overrides },
  scope,
});
const first = (req: StopAllRequest): StopAllLoopState => ({ request: req });

describe('parseStopAllRequest', () => {
  it('fills in the defaults: every running execution, five at a time, no dry run', () => {
    // Act
    const parsed = parseStopAllRequest({ pipelineName: PIPELINE });
    // Assess
    expect(parsed).toEqual({ pipelineName: PIPELINE, olderThanSeconds: 0, maxConcurrency: 5, dryRun: false });
  });

  it('keeps the options it passes on to every graceful stop', () => {
    // Prepare
    const raw = { pipelineNamePattern: 'nightly-*', olderThanSeconds: 3600, maxConcurrency: 40, reason: 'release 2026.11', maxWaitSeconds: 1200, releaseCallbacksAfterSeconds: 600, dryRun: true };
    // Act
    const parsed = parseStopAllRequest(raw);
    // Assess
    expect(parsed).toEqual(raw);
  });

  it('takes a list of names, without duplicates', () => {
    // Act
    const parsed = parseStopAllRequest({ pipelineNames: ['a', 'b', 'a'] });
    // Assess
    expect(parsed.pipelineNames).toEqual(['a', 'b']);
  });

  it.each([
    ['a non-object input', 'nightly-scoring', /^The input is "nightly-scoring"; expected a JSON object with pipelineName, pipelineNames or pipelineNamePattern\.$/],
    ['no selection', {}, /^The input names no pipelines; expected pipelineName, pipelineNames or pipelineNamePattern\.$/],
    ['two selections', { pipelineName: PIPELINE, pipelineNamePattern: 'n*' }, /^The input gives pipelineName and pipelineNamePattern; expected exactly one of/],
    ['a pipeline ARN instead of a name', { pipelineName: `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${PIPELINE}` }, /^pipelineName is an ARN; expected the pipeline's name/],
    ['an empty list of names', { pipelineNames: [] }, /^pipelineNames is an array; expected a list of 1 to 100 pipeline names\.$/],
    ['a bad name in the list', { pipelineNames: ['ok', 'not ok'] }, /^pipelineNames\[1\] is "not ok"; expected a pipeline name/],
    ['a pattern with other wildcards', { pipelineNamePattern: 'train?' }, /^pipelineNamePattern is "train\?"; expected 1-256 letters, digits, hyphens and \*/],
    ['a string dryRun', { pipelineName: PIPELINE, dryRun: 'yes' }, /^dryRun is "yes"; expected true or false\.$/],
    ['a maxConcurrency of 41', { pipelineName: PIPELINE, maxConcurrency: 41 }, /^maxConcurrency is number 41; expected an integer from 1 to 40\.$/],
    ['a negative olderThanSeconds', { pipelineName: PIPELINE, olderThanSeconds: -1 }, /^olderThanSeconds is number -1; expected an integer from 0 to 31536000\.$/],
    ['a grace period not below the deadline', { pipelineName: PIPELINE, maxWaitSeconds: 60, releaseCallbacksAfterSeconds: 60 }, /^releaseCallbacksAfterSeconds \(60\) is not below maxWaitSeconds \(60\)/],
    ['an unknown field', { pipelineName: PIPELINE, status: 'Executing' }, /^The input has unknown field\(s\) "status"; expected only pipelineName, pipelineNames, pipelineNamePattern,/],
  ])('rejects %s with InvalidInput saying what was expected', (_label, raw, message) => {
    // Assess
    expect(() => parseStopAllRequest(raw)).toThrow(expect.objectContaining({ name: 'InvalidInput', message: expect.stringMatching(message) }));
  });

  it.each([
    [{ pipelineNamePattern: '*' }, 'training-*', /^pipelineNamePattern "\*" reaches beyond this deployment's PipelineNamePattern "training-\*"/],
    [{ pipelineNamePattern: 'train*' }, 'training-*', /reaches beyond/],
    [{ pipelineName: 'scoring' }, 'training-*', /^The pipeline "scoring" is outside this deployment's PipelineNamePattern "training-\*"/],
    [{ pipelineNames: ['training-a', 'scoring'] }, 'training-*', /"scoring" is outside/],
  ])('rejects %j outside the deployment scope %s before anything is listed', (raw, scope, message) => {
    // Assess
    expect(() => parseStopAllRequest(raw, scope)).toThrow(expect.objectContaining({ name: 'InvalidInput', message: expect.stringMatching(message) }));
  });

  it.each([
    ['training-*', 'training-*', true],
    ['training-nightly-*', 'training-*', true],
    ['training-a', 'training-*', true],
    ['*', '*', true],
    ['a*b', '*', true],
    ['*', 'training-*', false],
    ['train*', 'training-*', false],
    ['x-training-*', 'training-*', false],
  ])('patternWithinScope(%s, %s) is %s', (pattern, scope, within) => {
    expect(patternWithinScope(pattern, scope)).toBe(within);
  });

  it('matches a glob against whole names only', () => {
    expect(matchesGlob('training-*', 'training-a')).toBe(true);
    expect(matchesGlob('training-*', 'x-training-a')).toBe(false);
    expect(matchesGlob('a.b', 'axb')).toBe(false);
    expect(matchesGlob('a*a', 'a')).toBe(false);
    expect(matchesGlob('*-*-x', 'a-b-x')).toBe(true);
    expect(matchesGlob('ab*ba', 'aba')).toBe(false);
  });
});

describe('listRunningExecutions', () => {
  beforeEach(() => {
    sagemaker.reset();
  });

  it('reads every page and keeps only the Executing runs, oldest first, with what every graceful stop gets', async () => {
    // Prepare
    sagemaker
      .on(ListPipelineExecutionsCommand)
      .resolvesOnce({ PipelineExecutionSummaries: [summary('new1', 'Executing', 1), summary('s1', 'Stopped', 2)], NextToken: 'p2' })
      .resolvesOnce({ PipelineExecutionSummaries: [summary('f1', 'Failed', 3), summary('old1', 'Executing', 50)], NextToken: 'p3' })
      .resolvesOnce({ PipelineExecutionSummaries: [summary('st1', 'Stopping', 60), summary('ok1', 'Succeeded', 70)] });

    // Act
    const { listing } = await listRunningExecutions(first(request({ reason: 'cleanup', releaseCallbacksAfterSeconds: 30 })), deps());

    // Assess
    expect(listing).toMatchObject({ listedAt: T0, pipelines: 1, scanned: 6, pagesRead: 3, scanComplete: true, running: 2, remaining: 0, more: false, omitted: 0, tooRecent: 0 });
    expect(listing.items).toEqual([
      { pipelineExecutionArn: arnOf('old1'), reason: 'cleanup', releaseCallbacksAfterSeconds: 30 },
      { pipelineExecutionArn: arnOf('new1'), reason: 'cleanup', releaseCallbacksAfterSeconds: 30 },
    ]);
    expect(listing.batch[0]).toEqual({ pipelineName: PIPELINE, pipelineExecutionArn: arnOf('old1'), startedAt: new Date(Date.parse(T0) - 50 * 60_000).toISOString(), ageSeconds: 3000 });
    const inputs = sagemaker.commandCalls(ListPipelineExecutionsCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.NextToken)).toEqual([undefined, 'p2', 'p3']);
    expect(inputs[0]).toMatchObject({ PipelineName: PIPELINE, SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100 });
  });

  it('keeps a run exactly olderThanSeconds old and leaves a run one second younger running', async () => {
    // Prepare
    const at = (secondsBeforeT0: number, id: string): PipelineExecutionSummary => ({
      PipelineExecutionArn: arnOf(id),
      PipelineExecutionStatus: 'Executing',
      StartTime: new Date(Date.parse(T0) - secondsBeforeT0 * 1000),
    });
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [at(3599, 'young'), at(3600, 'boundary'), { PipelineExecutionArn: arnOf('ageless'), PipelineExecutionStatus: 'Executing' }] });

    // Act
    const { listing } = await listRunningExecutions(first(request({ olderThanSeconds: 3600 })), deps());

    // Assess
    expect(listing.items).toEqual([{ pipelineExecutionArn: arnOf('boundary') }]);
    expect(listing).toMatchObject({ running: 1, tooRecent: 2 });
  });

  it('lists the pipelines a pattern matches (every page, narrowed by its prefix without the trailing hyphen SageMaker refuses) and their runs together, oldest first', async () => {
    // Prepare
    sagemaker
      .on(ListPipelinesCommand)
      .resolvesOnce({ PipelineSummaries: [{ PipelineName: 'training-a' }, { PipelineName: 'trainingx' }], NextToken: 'n2' })
      .resolvesOnce({ PipelineSummaries: [{ PipelineName: 'training-b' }] });
    sagemaker.on(ListPipelineExecutionsCommand, { PipelineName: 'training-a' }).resolves({ PipelineExecutionSummaries: [summary('a1', 'Executing', 5, 'training-a')] });
    sagemaker.on(ListPipelineExecutionsCommand, { PipelineName: 'training-b' }).resolves({ PipelineExecutionSummaries: [summary('b1', 'Executing', 9, 'training-b')] });

    // Act
    const { listing } = await listRunningExecutions(first(request({ pipelineName: undefined, pipelineNamePattern: 'training-*' })), deps({}, 'training-*'));

    // Assess
    expect(sagemaker.commandCalls(ListPipelinesCommand).map((call) => call.args[0].input)).toEqual([
      { MaxResults: 100, PipelineNamePrefix: 'training' },
      { MaxResults: 100, PipelineNamePrefix: 'training', NextToken: 'n2' },
    ]);
    expect(listing.pipelines).toBe(2);
    expect(listing.items.map((item) => item.pipelineExecutionArn)).toEqual([arnOf('b1', 'training-b'), arnOf('a1', 'training-a')]);
  });

  it('takes one batch at a time and starts the next one after the cursor, so no run is taken twice', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({
      PipelineExecutionSummaries: [summary('a', 'Executing', 1), summary('b', 'Executing', 2), summary('c', 'Executing', 3)],
    });

    // Act
    const one = await listRunningExecutions(first(request()), deps({ batchSize: 2 }));
    // The run that failed to stop is still Executing: the cursor keeps it out of the next batch.
    const two = await listRunningExecutions({ request: one.request, cursor: one.listing.cursor }, deps({ batchSize: 2 }));

    // Assess
    expect(one.listing.items.map((item) => item.pipelineExecutionArn)).toEqual([arnOf('c'), arnOf('b')]);
    expect(one.listing).toMatchObject({ running: 3, remaining: 1, more: true, omitted: 0 });
    expect(two.listing.items.map((item) => item.pipelineExecutionArn)).toEqual([arnOf('a')]);
    expect(two.listing).toMatchObject({ running: 1, remaining: 0, more: false });
  });

  it('leaves out runs started after the first listing', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [summary('later', 'Executing', -5), summary('old', 'Executing', 5)] });

    // Act
    const { listing } = await listRunningExecutions({ request: request(), cursor: { startedBefore: T0 } }, deps());

    // Assess
    expect(listing.items).toEqual([{ pipelineExecutionArn: arnOf('old') }]);
  });

  it('stops at the run cap, counting what is left as omitted', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [summary('a', 'Executing', 1), summary('b', 'Executing', 2), summary('c', 'Executing', 3)] });

    // Act
    const { listing } = await listRunningExecutions(first(request()), deps({ maxItems: 2 }));

    // Assess
    expect(listing.items.map((item) => item.pipelineExecutionArn)).toEqual([arnOf('c'), arnOf('b')]);
    expect(listing).toMatchObject({ running: 3, remaining: 1, more: false, omitted: 1 });
  });

  it('stops at the page bound and says the scan is incomplete', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).resolves({ PipelineExecutionSummaries: [summary('s', 'Succeeded', 1)], NextToken: 'more' });

    // Act
    const { listing } = await listRunningExecutions(first(request()), deps({ maxPages: 4 }));

    // Assess
    expect(sagemaker.commandCalls(ListPipelineExecutionsCommand)).toHaveLength(4);
    expect(listing).toMatchObject({ pagesRead: 4, scanned: 4, scanComplete: false, running: 0, items: [] });
  });

  it('parses the raw input on the first batch, and rejects a pattern outside the scope before listing anything', async () => {
    // Act
    const listing = listRunningExecutions({ raw: { pipelineNamePattern: '*' } }, deps({}, 'training-*'));

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining('reaches beyond') });
    expect(sagemaker.calls()).toHaveLength(0);
  });

  it('turns ResourceNotFound into PipelineNotFound naming the pipeline', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).rejects(new ResourceNotFound({ message: 'Pipeline not found', $metadata: {} }));

    // Act
    const listing = listRunningExecutions(first(request()), deps());

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'PipelineNotFound', message: expect.stringContaining(`no pipeline named "${PIPELINE}"`) });
  });

  it('lets throttling through by name for the state machine Retry', async () => {
    // Prepare
    sagemaker.on(ListPipelineExecutionsCommand).rejects(sdkError('ThrottlingException', 'Rate exceeded'));

    // Act
    const listing = listRunningExecutions(first(request()), deps());

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
