import { describe, expect, it } from 'vitest';
import { RunTracker, interruptNotice, invokedAs, resumeCommand } from '#cli/interrupt.js';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/demo/execution/abc123';

describe('invokedAs', () => {
  it('says npx graceful-stop when npx ran the CLI', () => {
    expect(
      invokedAs(['node', '/home/u/.npm/_npx/1/node_modules/graceful-stop/dist/cli/graceful-stop.mjs'], { npm_command: 'exec' }, '/home/u'),
    ).toBe('npx graceful-stop');
  });

  it("says npx graceful-stop when a project's node_modules/.bin link ran it", () => {
    expect(invokedAs(['node', '/work/app/node_modules/.bin/graceful-stop'], {}, '/work/app')).toBe('npx graceful-stop');
  });

  it('says graceful-stop for a global install on the PATH', () => {
    expect(invokedAs(['node', '/usr/local/bin/graceful-stop'], {}, '/tmp')).toBe('graceful-stop');
  });

  it('says node and the script, relative to the working folder, otherwise', () => {
    expect(invokedAs(['node', '/work/main/dist/cli/graceful-stop.mjs'], {}, '/work/main')).toBe('node dist/cli/graceful-stop.mjs');
  });
});

describe('interruptNotice', () => {
  it("gives the status of the CLI's last look when no check has ended yet, with a resume command that works as printed", () => {
    // Prepare
    const tracker = new RunTracker({ pipelineExecutionArn: ARN, maxWaitSeconds: 600 });
    tracker.onStateExited('Stop Pipeline Execution', { stop: { accepted: true, requestedAt: '2026-01-01T00:00:00Z' } });
    tracker.onLook({ status: 'Stopping', lookedAt: 10_000 });
    // Act
    const notice = interruptNotice(tracker, 13_000);
    // Assess
    expect(notice).toContain(`${ARN}: status at the last check (3 s ago): Stopping`);
    expect(notice).not.toContain('not checked yet');
    expect(notice).toContain(`: ${resumeCommand({ pipelineExecutionArn: ARN, maxWaitSeconds: 600 })}`);
  });

  it('quotes a reason for the shell in the resume command', () => {
    expect(resumeCommand({ pipelineExecutionArn: ARN, reason: "it's late" }, 'npx graceful-stop')).toBe(
      `npx graceful-stop stop ${ARN} --reason 'it'\\''s late'`,
    );
  });
});

describe('resumeCommand and the interrupted --json document', () => {
  it('keeps --json in the resume command of a --json run, so the resumed wait prints as the first did', () => {
    // Act
    const command = resumeCommand({ pipelineExecutionArn: ARN, maxWaitSeconds: 600 }, 'npx graceful-stop', { json: true });

    // Assess
    expect(command).toBe(`npx graceful-stop stop ${ARN} --max-wait 600 --json`);
  });

  it('leaves an {error: "Interrupted", cause, ...} document whose cause is the notice\'s first line', async () => {
    // Prepare
    const { interruptedDocument } = await import('#cli/io.js');
    const notice =
      'interrupted: the stop request was sent and accepted.\n  arn: status Stopping\n  to wait for it again: npx graceful-stop stop arn --json';

    // Act
    const document = JSON.parse(interruptedDocument(notice, { pipelineExecutionArn: ARN })) as Record<string, unknown>;

    // Assess
    expect(document).toEqual({
      error: 'Interrupted',
      cause: 'interrupted: the stop request was sent and accepted.',
      pipelineExecutionArn: ARN,
      notice: [
        'interrupted: the stop request was sent and accepted.',
        'arn: status Stopping',
        'to wait for it again: npx graceful-stop stop arn --json',
      ],
    });
  });
});
