/**
 * The BUILT CLI in a real pseudo-terminal (test/support/pty-run.py, Python's
 * pty): the live redraw at 80 and 40 columns with a step name longer than a
 * row, replayed in a terminal emulator; Ctrl-C during a local stop; and a
 * closed pipe (`| head`) ending quietly.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { CreatePipelineCommand, SageMakerClient, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';
import { startLocalCloud } from '#local/cloud.js';
import type { Emulators } from '#local/emulators.js';
import { VirtualTerminal } from '#test/support/virtual-terminal.js';
import { cliPath } from '#test/support/cli-process.js';

const PTY = join(projectRoot, 'test', 'support', 'pty-run.py');
const LONG_NAME = `Train${'VeryLongStepName'.repeat(3)}Final`.slice(0, 64);
let stack: Emulators;
let sagemaker: SageMakerClient;
let counter = 0;

beforeAll(async () => {
  stack = await startLocalCloud({ parts: 'emulators', timeScale: 1 });
  sagemaker = new SageMakerClient({
    endpoint: stack.endpoints.sagemakerEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  sagemaker?.destroy();
  await stack?.close();
});

/** A run whose long-named training step takes `stopSeconds` to stop. */
async function runningExecution(stopSeconds: number): Promise<string> {
  counter += 1;
  const name = `tty-${counter}`;
  const steps = [
    { Name: LONG_NAME, Type: 'Training', Arguments: {}, Simulation: { DurationSeconds: 3_600, StopDurationSeconds: stopSeconds } },
  ];
  await sagemaker.send(
    new CreatePipelineCommand({
      PipelineName: name,
      RoleArn: 'arn:aws:iam::123456789012:role/tty',
      PipelineDefinition: JSON.stringify({ Version: '2020-12-01', Metadata: {}, Parameters: [], Steps: steps }),
    }),
  );
  const { PipelineExecutionArn = '' } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: name }));
  return PipelineExecutionArn;
}

function inPty(columns: number, actions: string[], args: string[]): Promise<{ output: string; code: number }> {
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL_SAGEMAKER: stack.endpoints.sagemakerEndpoint,
    AWS_ENDPOINT_URL_SQS: stack.endpoints.sqsEndpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    GRACEFUL_STOP_TIME_SCALE: '',
    // As a user's shell has it: not run by npx, so the resume command is `node <script>`.
    npm_command: '',
    PTY_TIMEOUT: '60',
  };
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      [PTY, String(columns), '24', ...actions, '--', process.execPath, cliPath, ...args],
      { env, timeout: 90_000, maxBuffer: 10_000_000 },
      (error, stdout) => {
        const code = /\[pty-exit (\d+)\]\s*$/.exec(stdout)?.[1];
        if (code === undefined) reject(error ?? new Error(`no exit status in:\n${stdout}`));
        else resolve({ output: stdout.replace(/\n\[pty-exit \d+\]\s*$/, ''), code: Number(code) });
      },
    );
  });
}

describe('graceful-stop in a real terminal', () => {
  it.each([80, 40])(
    'redraws the live block cleanly at %i columns with a step name longer than a row',
    async (columns) => {
      // Prepare
      const arn = await runningExecution(4);

      // Act
      const { output, code } = await inPty(columns, [], ['stop', arn, '--max-wait', '60']);

      // Assess
      expect(code, output).toBe(0);
      expect(output).toContain('\x1b[');
      const screen = new VirtualTerminal(columns);
      screen.write(output);
      const lines = screen.lines();
      expect(
        lines.filter((line) => line.startsWith('status ')),
        lines.join('\n'),
      ).toHaveLength(1);
      expect(
        lines.filter((line) => line.includes('draining:')),
        lines.join('\n'),
      ).toHaveLength(0);
      expect(lines.some((line) => line.startsWith('outcome Stopped'))).toBe(true);
    },
    90_000,
  );

  it('on Ctrl-C says the stop was sent, the last status, and how to resume, and exits 130', async () => {
    // Prepare
    const arn = await runningExecution(120);

    // Act
    const { output, code } = await inPty(
      100,
      ['--on', 'status Stopping', '--send', '\\x03'],
      ['stop', arn, '--max-wait', '5m', '--reason', 'tty test'],
    );

    // Assess
    expect(code, output).toBe(130);
    const screen = new VirtualTerminal(100);
    screen.write(output);
    const text = screen.lines().join('\n');
    expect(text).toContain('interrupted: the stop request was sent and accepted; SageMaker goes on draining the run on its own.');
    expect(text).toMatch(/status at the last check \(\d+ s ago\): Stopping/);
    expect(text).toContain(
      `to wait for it again (nothing is stopped twice): node dist/cli/graceful-stop.mjs stop ${arn} --max-wait 300 --reason 'tty test'`,
    );
  }, 90_000);

  it('ends quietly when stdout is a pipe that closes early (| head)', async () => {
    // Act
    const run = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(
        'bash',
        ['-c', `for i in 1 2 3; do "${process.execPath}" "${cliPath}" stop --help | true; echo "status \${PIPESTATUS[0]}"; done`],
        { timeout: 60_000 },
        (_error, stdout, stderr) => resolve({ stdout, stderr }),
      );
    });

    // Assess
    expect(run.stdout.trim().split('\n')).toEqual(['status 0', 'status 0', 'status 0']);
    expect(run.stderr).not.toMatch(/EPIPE|Error/);
  });
});
