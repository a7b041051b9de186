/** Bounded clients and named service errors: a hung, refused or HTML-answering endpoint becomes a named, retryable error. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOUNDED_CLIENT_OPTIONS, boundedRequestHandler, createSageMakerClient } from '#commons/clients.js';
import { SageMakerUnavailable } from '#pipeline-runs/errors.js';
import { isTransientError } from '#commons/service-errors.js';
import { unavailableAfterDeadline } from '#pipeline-runs/sagemaker-errors.js';
import { NetworkError, ServerErrorResponse, toNamedServiceError } from '#commons/service-errors.js';
import { projectRoot } from '#local/engine/paths.js';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/abc';

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('bounded clients', () => {
  it('time out connections and requests, and throw when the request timeout passes', () => {
    // Assess
    expect(BOUNDED_CLIENT_OPTIONS.requestHandler).toEqual({ connectionTimeout: 3_000, requestTimeout: 5_000, throwOnRequestTimeout: true });
    expect(boundedRequestHandler(25_000).requestTimeout).toBe(25_000);
    expect(createSageMakerClient().config.maxAttempts).toBeDefined();
  });

  it('are the only kind of AWS SDK client the product and its local cloud create', () => {
    // Prepare
    const files = ['functions', 'cli', 'local', 'bench'].flatMap((dir) => sourcesUnder(join(projectRoot, dir)));

    // Act: every `new XxxClient({...})` must pass the bounded options or a bounded request handler;
    // aws4fetch's AwsClient (a signer) retries nothing itself and its file bounds every fetch with a timeout.
    const bounded = (args: string, text: string): boolean =>
      /BOUNDED_CLIENT_OPTIONS|boundedRequestHandler/.test(args) || (/retries: 0/.test(args) && /AbortSignal\.timeout\(/.test(text));
    const unbounded = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [...text.matchAll(/new (\w+Client)\(([^)]*)\)/g)]
        .filter(([, , args]) => !bounded(args ?? '', text) && !/\{\s*$/.test(args ?? ''))
        .map(([call]) => `${relative(projectRoot, file)}: ${call}`);
    });
    const multiLine = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [...text.matchAll(/new (\w+Client)\(\{([\s\S]*?)\}\);/g)]
        .filter(([, , body]) => !bounded(body ?? '', text))
        .map(([call]) => `${relative(projectRoot, file)}: ${call.split('\n')[0]}`);
    });

    // Assess
    expect([...unbounded, ...multiLine]).toEqual([]);
  });
});

describe('toNamedServiceError', () => {
  it('names an HTML 5xx ServerErrorResponse with one readable sentence, keeping the SDK error as cause', () => {
    // Prepare
    const syntax = Object.assign(new SyntaxError('Unexpected token \'<\', "<html>" is not valid JSON'), {
      $metadata: { httpStatusCode: 502 },
      $response: { statusCode: 502, headers: { 'content-type': 'text/html' } },
    });

    // Act
    const named = toNamedServiceError(syntax);

    // Assess
    expect(named).toBeInstanceOf(ServerErrorResponse);
    expect((named as Error).message).toBe(
      'The endpoint answered HTTP 502 with text/html, not an AWS error document (a proxy or load balancer in the way?); it is retried like any server error.',
    );
    expect((named as Error).cause).toBe(syntax);
  });

  it('names a refused connection by its code', () => {
    // Prepare
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });

    // Act
    const named = toNamedServiceError(refused) as Error;

    // Assess
    expect(named).toBeInstanceOf(NetworkError);
    expect(named.name).toBe('ECONNREFUSED');
    expect(isTransientError(named)).toBe(true);
  });

  it('leaves AWS service errors and 4xx answers as they are', () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const internal = Object.assign(new Error('We encountered an internal error'), {
      name: 'InternalFailure',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });

    // Act & Assess
    expect(toNamedServiceError(throttled)).toBe(throttled);
    expect(toNamedServiceError(internal)).toBe(internal);
    expect(toNamedServiceError('not an error')).toBe('not an error');
  });
});

describe('unavailableAfterDeadline', () => {
  const timeout = Object.assign(new Error('a request has exceeded the configured 5000 ms requestTimeout.'), { name: 'TimeoutError' });
  const context = { operation: 'DescribePipelineExecution', pipelineExecutionArn: ARN, maxWaitSeconds: 10 };

  it('passes a transient error through before the deadline, for the ASL Retry', () => {
    // Act & Assess
    expect(unavailableAfterDeadline(timeout, { ...context, elapsedSeconds: 9.9 })).toBe(timeout);
  });

  it('turns a transient error at or after the deadline into SageMakerUnavailable naming the call and the error', () => {
    // Act
    const ended = unavailableAfterDeadline(timeout, { ...context, elapsedSeconds: 10 }) as Error;

    // Assess
    expect(ended).toBeInstanceOf(SageMakerUnavailable);
    expect(ended.message).toBe(
      `SageMaker gave no usable answer to DescribePipelineExecution for ${ARN} (TimeoutError: a request has exceeded the configured 5000 ms requestTimeout.) and the 10 s deadline has passed (10 s); the execution's state is unknown, check it in the SageMaker console.`,
    );
    expect(ended.cause).toBe(timeout);
  });

  it('leaves an error that is not transient as it is, whatever the time', () => {
    // Prepare
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });

    // Act & Assess
    expect(unavailableAfterDeadline(denied, { ...context, elapsedSeconds: 100 })).toBe(denied);
  });
});
