/** functions/graceful-stop/stop-request.ts: the field Step Functions adds to a nested execution's input. */
import { describe, expect, it } from 'vitest';
import { parseStopRequest, STARTED_BY_EXECUTION_ID_KEY } from '#graceful-stop/stop-request.js';
import { ARN } from '#test/support/fixtures.js';

const PARENT = 'arn:aws:states:us-east-1:123456789012:execution:parent:run-1';

describe('parseStopRequest with AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID', () => {
  it('accepts and ignores the parent execution id a startExecution.sync:2 parent passes', () => {
    // Prepare
    const raw = { pipelineExecutionArn: ARN, [STARTED_BY_EXECUTION_ID_KEY]: PARENT };
    // Act
    const request = parseStopRequest(raw, { maxWaitSeconds: 900 });
    // Assess
    expect(STARTED_BY_EXECUTION_ID_KEY).toBe('AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID');
    expect(request).toEqual({ pipelineExecutionArn: ARN, pipelineName: 'demo-pipeline', maxWaitSeconds: 900, failIfNotRunning: false });
  });

  it('still rejects any other unknown field, without listing the Step Functions field as expected', () => {
    // Prepare
    const raw = { pipelineExecutionArn: ARN, [STARTED_BY_EXECUTION_ID_KEY]: PARENT, force: true };
    // Act
    const parse = (): unknown => parseStopRequest(raw, { maxWaitSeconds: 900 });
    // Assess
    expect(parse).toThrow(
      expect.objectContaining({
        name: 'InvalidInput',
        message: expect.stringMatching(
          /^The input has unknown field\(s\) "force"; expected only pipelineExecutionArn, reason, maxWaitSeconds, failIfNotRunning, releaseCallbacksAfterSeconds, drainOnly, stopLeftoverJobs\.$/,
        ),
      }),
    );
  });
});
