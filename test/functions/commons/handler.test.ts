/** lambdaHandler: the Lambda context on every log line, no appended key outliving its invocation, and transient errors under one name. */
import { describe, expect, it } from 'vitest';
import { lambdaHandler } from '#commons/handler.js';
import { logger } from '#commons/logger.js';
import { lambdaContext } from '#test/support/lambda-context.js';
import { captureLogs, jsonLogLines } from '#test/support/log-capture.js';

const handler = lambdaHandler(async (event: { executionId: string; appendArn: boolean }): Promise<string> => {
  logger.appendKeys({ executionId: event.executionId });
  if (event.appendArn) logger.appendKeys({ pipelineExecutionArn: `arn-of-${event.executionId}` });
  logger.warn('step ran');
  return event.executionId;
});

describe('lambdaHandler', () => {
  it('adds the request id and cold start of the Lambda context to every log line', async () => {
    // Prepare
    const context = lambdaContext('CheckPipelineExecutionFunction');

    // Act
    // Only this handler's lines: in a shared worker, work an earlier suite left running may log meanwhile.
    const logs = jsonLogLines(await captureLogs(() => handler({ executionId: 'first', appendArn: false }, context))).filter(
      (line) => line.message === 'step ran',
    );

    // Assess
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      function_request_id: context.awsRequestId,
      function_name: 'CheckPipelineExecutionFunction',
      executionId: 'first',
    });
    expect(logs[0]).toHaveProperty('cold_start');
  });

  it('does not carry one invocation’s keys into the next on a warm container', async () => {
    // Prepare
    const first = lambdaContext();
    const second = lambdaContext();

    // Act
    const logs = jsonLogLines(
      await captureLogs(async () => {
        await handler({ executionId: 'first', appendArn: true }, first);
        await handler({ executionId: 'second', appendArn: false }, second);
        logger.warn('between invocations');
      }),
    );

    // Assess
    expect(logs).toHaveLength(3);
    expect(logs[0]).toMatchObject({ executionId: 'first', pipelineExecutionArn: 'arn-of-first', function_request_id: first.awsRequestId });
    expect(logs[1]).toMatchObject({ executionId: 'second', function_request_id: second.awsRequestId });
    expect(logs[1]).not.toHaveProperty('pipelineExecutionArn');
    expect(logs[2]).not.toHaveProperty('executionId');
    expect(logs[2]).not.toHaveProperty('pipelineExecutionArn');
  });

  it('hands a transient error to Step Functions as TransientServiceError, the original as its cause', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const failing = lambdaHandler(async (): Promise<void> => {
      throw throttled;
    });

    // Act
    const thrown = await failing({}, lambdaContext()).catch((error: unknown) => error);

    // Assess
    expect(thrown).toMatchObject({ name: 'TransientServiceError', message: 'ThrottlingException: Rate exceeded' });
    expect((thrown as Error).cause).toBe(throttled);
  });

  it('lets a named failure through as it is', async () => {
    // Prepare
    const notFound = Object.assign(new Error('no such run'), { name: 'PipelineExecutionNotFound' });
    const failing = lambdaHandler(async (): Promise<void> => {
      throw notFound;
    });

    // Act / Assess
    await expect(failing({}, lambdaContext())).rejects.toBe(notFound);
  });
});
