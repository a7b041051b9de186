import { describe, expect, it } from 'vitest';
import { failureLine, jsonResult } from '#cli/outcome.js';

const lambdaCause = JSON.stringify({
  errorType: 'CredentialsMissing',
  errorMessage: 'No AWS credentials were found (environment, profile, SSO or instance role).',
  trace: ['at x'],
});

describe('failureOf', () => {
  it("prints a Lambda function's error payload as its sentence, with the hint of its name", () => {
    // Act
    const line = failureLine({ status: 'FAILED', error: 'CredentialsMissing', cause: lambdaCause });
    // Assess
    expect(line).toBe(
      'FAILED CredentialsMissing: No AWS credentials were found (environment, profile, SSO or instance role). (hint: no AWS credentials found; set AWS_PROFILE (after aws sso login / aws configure) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.)',
    );
  });

  it('gives --json the same name and sentence as {error, cause}', () => {
    expect(JSON.parse(jsonResult({ status: 'FAILED', error: 'DrainTimedOut', cause: 'Still draining.' }))).toEqual({
      error: 'DrainTimedOut',
      cause: 'Still draining.',
    });
  });

  it('escapes control characters that came from outside', () => {
    expect(failureLine({ status: 'FAILED', error: 'PipelineExecutionFailed', cause: 'step said \x1b[2J\noutcome Stopped' })).toBe(
      'FAILED PipelineExecutionFailed: step said \\x1b[2J\\noutcome Stopped',
    );
  });
});
