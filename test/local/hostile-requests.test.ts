/**
 * No request takes the local cloud down: a corpus of hostile requests (deep nesting, huge bodies,
 * wrong types, `__proto__`, control characters, malformed JSON) goes to every local API - Step
 * Functions, EventBridge, SageMaker, SQS and S3 - and each is answered with a named error (a
 * failed entry for PutEvents), never a dropped connection or a 5xx; afterwards every API still
 * answers and the run and the execution started before are still there.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatePipelineCommand,
  DescribePipelineExecutionCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { startLocalCloud, type DeadLetter, type LocalCloud } from '#local/cloud.js';
import { eventBridgeEvent } from '#local/events/event.js';
import { waitFor } from '#local/bounded.js';

const SFN = 'application/x-amz-json-1.0';
const SAGEMAKER = 'application/x-amz-json-1.1';

/** A JSON text nested `depth` levels deep (arrays inside an object), built without recursion. */
const nested = (depth: number): string => `{"a":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
const huge = (bytes: number): string => JSON.stringify({ pipelineExecutionArn: 'x'.repeat(bytes) });

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function post(endpoint: string, contentType: string, target: string | undefined, body: string): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': contentType };
  if (target) headers['X-Amz-Target'] = target;
  const response = await fetch(`${endpoint}/`, { method: 'POST', headers, body, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text.slice(0, 200) };
  }
  return { status: response.status, body: parsed };
}

/** The error name of an AWS JSON answer: `__type` (`Code` from some emulators), without a namespace. */
const errorName = (answer: Answer): string =>
  String(answer.body.__type ?? answer.body.code ?? answer.body.Code ?? '')
    .split('#')
    .pop() ?? '';

describe('hostile requests to the local cloud', () => {
  let cloud: LocalCloud;
  let sagemaker: SageMakerClient;
  let runArn = '';
  let executionArn = '';
  const unhandled: unknown[] = [];
  const told: DeadLetter[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    cloud = await startLocalCloud({ timeScale: 10, onDeadLetter: (letter) => told.push(letter) });
    sagemaker = new SageMakerClient({ ...BOUNDED_CLIENT_OPTIONS, endpoint: cloud.emulators.endpoints.sagemakerEndpoint });
    const definition = JSON.stringify({
      Version: '2020-12-01',
      Steps: [{ Name: 'Train', Type: 'Training', Arguments: {}, Simulation: { DurationSeconds: 36_000 } }],
    });
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: 'hostile',
        PipelineDefinition: definition,
        RoleArn: 'arn:aws:iam::123456789012:role/p',
        ClientRequestToken: randomUUID(),
      }),
    );
    runArn =
      (await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: 'hostile', ClientRequestToken: randomUUID() })))
        .PipelineExecutionArn ?? '';
    // An execution made before the barrage, to be found again after it.
    const started = await post(
      cloud.api.endpoint,
      SFN,
      'AWSStepFunctions.StartExecution',
      JSON.stringify({
        stateMachineArn: cloud.stopAll.arn,
        name: 'kept',
        input: JSON.stringify({ pipelineName: 'hostile', dryRun: true }),
      }),
    );
    executionArn = String(started.body.executionArn);
  }, 60_000);

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await cloud?.close();
  });

  it.each<[string, string, () => string, string[]]>([
    [
      'StartExecution with an input nested 5,000 deep',
      'StartExecution',
      () => JSON.stringify({ stateMachineArn: cloud.gracefulStop.arn, input: nested(5_000) }),
      ['InvalidExecutionInput'],
    ],
    [
      'StartExecution with a 300 KB input',
      'StartExecution',
      () => JSON.stringify({ stateMachineArn: cloud.gracefulStop.arn, input: huge(300_000) }),
      ['ValidationException'],
    ],
    [
      'StartExecution with a state machine ARN that is no ARN',
      'StartExecution',
      () => JSON.stringify({ stateMachineArn: 'not-an-arn', input: '{}' }),
      ['InvalidArn'],
    ],
    ['StartExecution with a number for the ARN', 'StartExecution', () => JSON.stringify({ stateMachineArn: 42 }), ['ValidationException']],
    [
      'StartExecution with a control character in the name',
      'StartExecution',
      () => JSON.stringify({ stateMachineArn: cloud.gracefulStop.arn, name: 'a\u0007b' }),
      ['InvalidName'],
    ],
    [
      'StartExecution with __proto__ in the input',
      'StartExecution',
      () =>
        JSON.stringify({
          stateMachineArn: cloud.gracefulStop.arn,
          name: 'proto',
          input: '{"__proto__":{"polluted":true},"pipelineExecutionArn":1}',
        }),
      [],
    ],
    ['a body nested 5,000 deep', 'StartExecution', () => nested(5_000), ['ValidationException']],
    ['a body that is no JSON', 'DescribeExecution', () => '{"executionArn":', ['SerializationException']],
    ['a 3 MB body', 'StartExecution', () => huge(3_000_000), ['ValidationException']],
    [
      'DescribeExecution of a malformed ARN',
      'DescribeExecution',
      () => JSON.stringify({ executionArn: 'arn:aws:states:::nope' }),
      ['InvalidArn'],
    ],
    [
      'SendTaskSuccess with an output nested 5,000 deep',
      'SendTaskSuccess',
      () => JSON.stringify({ taskToken: 'x', output: nested(5_000) }),
      ['InvalidOutput'],
    ],
    [
      'SendTaskSuccess with a 300 KB output',
      'SendTaskSuccess',
      () => JSON.stringify({ taskToken: 'x', output: huge(300_000) }),
      ['ValidationException'],
    ],
    [
      'CreateStateMachine with a definition nested 5,000 deep',
      'CreateStateMachine',
      () => JSON.stringify({ name: 'deep', roleArn: 'arn:aws:iam::123456789012:role/r', definition: nested(5_000) }),
      ['InvalidDefinition'],
    ],
    [
      'CreateStateMachine with a resource the engine does not run',
      'CreateStateMachine',
      () =>
        JSON.stringify({
          name: 'sns',
          roleArn: 'arn:aws:iam::123456789012:role/r',
          definition: JSON.stringify({
            StartAt: 'A',
            States: { A: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } },
          }),
        }),
      ['InvalidDefinition'],
    ],
    ['an unknown operation', 'Explode', () => '{}', ['UnknownOperationException']],
  ])('answers %s with a named error, or runs it safely', async (_label, operation, body, names) => {
    // Act
    const answer = await post(cloud.api.endpoint, SFN, `AWSStepFunctions.${operation}`, body());

    // Assess
    if (names.length === 0) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    } else {
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(names).toContain(errorName(answer));
      expect(String(answer.body.message).length).toBeLessThan(600);
    }
  });

  it('turns hostile PutEvents entries into failed entries that name the fault, and puts the good one', async () => {
    // Prepare
    const good = { Source: 'test', DetailType: 'Nothing Matches', Detail: '{"a":1}' };
    const entries = [
      { Source: 'test', DetailType: 'Graceful Stop Requested', Detail: nested(5_000) },
      { Source: 'test', DetailType: 'x', Detail: '{"a":' },
      { Source: 'test', DetailType: 'x', Detail: '[1,2]' },
      { Source: 42, DetailType: 'x', Detail: '{}' },
      { Source: 'test', DetailType: 'x'.repeat(200), Detail: '{}' },
      { Source: 'test', DetailType: 'x', Detail: '{"__proto__":{"polluted":true}}' },
      good,
    ];

    // Act
    const answer = await post(cloud.api.endpoint, SFN, 'AWSEvents.PutEvents', JSON.stringify({ Entries: entries }));

    // Assess
    expect(answer.status).toBe(200);
    const results = answer.body.Entries as Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }>;
    expect(results.map((result) => result.ErrorCode)).toEqual([
      'MalformedDetail',
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'InvalidArgument',
      undefined,
      undefined,
    ]);
    expect(results[0]?.ErrorMessage).toMatch(/nests 5001 levels deep; expected at most 64/);
    expect(answer.body.FailedEntryCount).toBe(5);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses PutEvents over 256 KB in all, and more than 10 entries', async () => {
    // Act
    const big = await post(
      cloud.api.endpoint,
      SFN,
      'AWSEvents.PutEvents',
      JSON.stringify({ Entries: [{ Source: 's', DetailType: 'd', Detail: huge(270_000) }] }),
    );
    const many = await post(
      cloud.api.endpoint,
      SFN,
      'AWSEvents.PutEvents',
      JSON.stringify({ Entries: Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' })) }),
    );

    // Assess
    expect([big.status, errorName(big)]).toEqual([400, 'ValidationException']);
    expect(big.body.message).toMatch(/Total size of the entries in the request is over the limit/);
    expect([many.status, errorName(many)]).toEqual([400, 'ValidationException']);
  });

  it.each<[string, string, string]>([
    ['a body nested 5,000 deep', 'SageMaker.ListPipelines', nested(5_000)],
    ['a body that is no JSON', 'SageMaker.ListPipelines', '{"a"'],
    ['a 3 MB body', 'SageMaker.DescribePipelineExecution', huge(3_000_000)],
    ['a wrong-typed member', 'SageMaker.DescribePipelineExecution', JSON.stringify({ PipelineExecutionArn: 7 })],
    ['__proto__ in the body', 'SageMaker.CreatePipeline', '{"__proto__":{"polluted":true},"PipelineName":"p"}'],
    [
      'a control character in a name',
      'SageMaker.CreatePipeline',
      JSON.stringify({
        PipelineName: 'a\u0000b',
        PipelineDefinition: '{}',
        RoleArn: 'arn:aws:iam::123456789012:role/r',
        ClientRequestToken: randomUUID(),
      }),
    ],
  ])('answers SageMaker %s with a 4xx naming the error', async (_label, target, body) => {
    // Act
    const answer = await post(cloud.emulators.endpoints.sagemakerEndpoint, SAGEMAKER, target, body);

    // Assess
    expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(errorName(answer)).toMatch(/^(ValidationException|SerializationException)$/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each<[string, string, 'sent' | 'refused']>([
    // A deep message is only a string to SQS: it is sent as it is.
    ['a message nested 5,000 deep', JSON.stringify({ QueueUrl: 'QUEUE', MessageBody: nested(5_000) }), 'sent'],
    ['a message over the size limit', JSON.stringify({ QueueUrl: 'QUEUE', MessageBody: 'x'.repeat(1_100_000) }), 'refused'],
    ['a body nested 5,000 deep', nested(5_000), 'refused'],
    ['a body that is no JSON', '{"QueueUrl":', 'refused'],
    ['a wrong-typed member', JSON.stringify({ QueueUrl: 'QUEUE', MessageBody: 7 }), 'refused'],
    ['a control character SQS does not allow', JSON.stringify({ QueueUrl: 'QUEUE', MessageBody: 'a\u0000b' }), 'refused'],
  ])('answers SQS %s without falling over', async (_label, body, expected) => {
    // Prepare
    const created = await post(
      cloud.emulators.endpoints.sqsEndpoint,
      SFN,
      'AmazonSQS.CreateQueue',
      JSON.stringify({ QueueName: 'hostile-queue' }),
    );
    const queueUrl = String(created.body.QueueUrl);

    // Act
    const answer = await post(cloud.emulators.endpoints.sqsEndpoint, SFN, 'AmazonSQS.SendMessage', body.replace('QUEUE', queueUrl));

    // Assess: never a 5xx; a refusal is a 4xx.
    if (expected === 'sent') expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    else expect([answer.status >= 400, answer.status < 500], JSON.stringify(answer.body)).toEqual([true, true]);
  });

  it('answers an S3 request for a key with control characters and a bucket that does not exist with S3 errors', async () => {
    // Act
    const missing = await fetch(`${cloud.emulators.endpoints.sqsEndpoint}/no-such-bucket/a%00b`, { signal: AbortSignal.timeout(5_000) });

    // Assess
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
  });

  it('keeps the event of a rule target that fails as a dead letter, names its error, and tells the listener', async () => {
    // Prepare: a Graceful Stop Requested event whose detail is over Step Functions' input limit, put on the bus directly.
    const event = eventBridgeEvent({
      source: 'sagemaker-pipelines.graceful-stop',
      'detail-type': 'Graceful Stop Requested',
      detail: { pipelineExecutionArn: 'x'.repeat(300_000) },
      resources: [],
      account: '123456789012',
      region: 'us-east-1',
      time: new Date().toISOString(),
    });

    // Act
    const deliveries = cloud.put(event);
    await waitFor(
      'the dead letter',
      () => cloud.deadLetters.filter((letter) => letter.event.id === event.id),
      (letters) => letters.length > 0,
      { timeoutMs: 10_000 },
    );

    // Assess
    expect(deliveries.map((delivery) => delivery.target)).toEqual(['GracefulStopStateMachine']);
    const [letter] = cloud.deadLetters.filter((kept) => kept.event.id === event.id);
    expect(letter).toMatchObject({ target: 'GracefulStopStateMachine', error: expect.objectContaining({ name: 'ValidationException' }) });
    expect(told).toContain(letter);
  });

  it('still answers on every API afterwards and has lost no run, execution or queue', async () => {
    // Act
    const described = await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: runArn }));
    const execution = await post(cloud.api.endpoint, SFN, 'AWSStepFunctions.DescribeExecution', JSON.stringify({ executionArn }));
    const machines = await post(cloud.api.endpoint, SFN, 'AWSStepFunctions.ListStateMachines', '{}');
    const queues = await post(cloud.emulators.endpoints.sqsEndpoint, SFN, 'AmazonSQS.ListQueues', '{}');

    // Assess
    expect(described.PipelineExecutionStatus).toBe('Executing');
    expect(execution.status).toBe(200);
    expect(execution.body.name).toBe('kept');
    expect((machines.body.stateMachines as Array<{ name: string }>).map((machine) => machine.name)).toEqual(
      expect.arrayContaining(['graceful-stop', 'stop-all']),
    );
    expect(JSON.stringify(queues.body)).toContain('hostile-queue');
    expect(unhandled).toEqual([]);
  });
});
