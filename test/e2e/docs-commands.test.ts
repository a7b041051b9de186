/**
 * Every command the README and the docs show. Each is classified: the ones
 * that run off AWS are run here (the built CLI against a simulator started
 * here, or parsed when they need AWS); a command nobody classified fails the
 * test, so a new example in the docs cannot go untested.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '#cli/args.js';
import { parseStopRequest } from '#graceful-stop/stop-request.js';
import { projectRoot } from '#local/engine/paths.js';
import { startLocalCloud } from '#local/cloud.js';
import type { Emulators } from '#local/emulators.js';
import { codeBlocks } from '#test/support/doc-examples.js';

const PAGES = [
  'README.md',
  ...readdirSync(join(projectRoot, 'docs'))
    .filter((page) => page.endsWith('.md'))
    .map((page) => join('docs', page)),
  join('local', 'README-simulator.md'),
];

/** Shell commands of a page: its sh/bash blocks, continuation lines joined, comments dropped. */
function commandsOf(page: string): string[] {
  const text = readFileSync(join(projectRoot, page), 'utf8');
  return [...codeBlocks(text, 'sh'), ...codeBlocks(text, 'bash')]
    .flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

type Kind = 'suite' | 'aws' | 'cli' | 'walkthrough' | 'simulator-admin';
/** Why a command is not run here, or how it is. */
function kindOf(command: string): Kind | undefined {
  if (/^npm (ci|start|test|run (build|bench|typecheck|lint))\b|^npm ci && |^node dist\/bench\/|^npx vitest /.test(command)) return 'suite';
  if (/^(sam |aws (stepfunctions|events|cloudformation) )/.test(command)) return 'aws';
  if (
    /^npx graceful-stop simulate\b|^aws sagemaker |"\$PIPELINE_EXECUTION_ARN"|"\$GRACEFUL_STOP_ORGANIZATION_STOP_STATE_MACHINE_ARN"|^for i in \$\(seq \d+\); do |^[A-Z]+=\$\(aws /.test(
      command,
    )
  )
    return 'walkthrough';
  if (/^curl .*\$EP\/_simulator\//.test(command)) return 'simulator-admin';
  if (/^(npx graceful-stop|node dist\/cli\/graceful-stop\.mjs) /.test(command)) return 'cli';
  return undefined;
}

/** A command's words, as a shell would split them (quotes, no expansion). */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

const ALL = PAGES.flatMap((page) => commandsOf(page).map((command) => ({ page, command, kind: kindOf(command) })));

let stack: Emulators;
beforeAll(async () => {
  stack = await startLocalCloud({ parts: 'emulators', timeScale: 10 });
});
afterAll(async () => {
  await stack?.close();
});

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL_SAGEMAKER: stack.endpoints.sagemakerEndpoint,
    AWS_ENDPOINT_URL_SQS: stack.endpoints.sqsEndpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(projectRoot, 'dist', 'cli', 'graceful-stop.mjs'), ...args],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: typeof error?.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
      },
    );
  });
}

describe('commands in the README and the docs', () => {
  it('finds commands on the README and the pages, and knows how to test each one', () => {
    // Assess
    expect(ALL.length).toBeGreaterThan(15);
    expect(ALL.filter((entry) => entry.kind === undefined)).toEqual([]);
    expect(new Set(ALL.map((entry) => entry.page))).toEqual(expect.objectContaining({ size: expect.any(Number) }));
  });

  it.each(ALL.filter((entry) => entry.kind === 'cli').map((entry) => [entry.page, entry.command] as const))(
    '%s: %s parses, and runs off AWS as documented',
    async (_page, command) => {
      // Prepare
      // Both spellings, `npx graceful-stop` and `node dist/cli/graceful-stop.mjs`, are two words.
      const argv = words(command).slice(2);
      const parsed = parseCommandLine(argv, { defaults: { maxWaitSeconds: 900 } });

      // Act & Assess
      if ('stateMachineArn' in parsed || 'stackName' in parsed) return; // needs AWS: parsing is what runs here
      if (parsed.name === 'stop') {
        // The documented ARN names a run this simulator does not have: the named failure, exit 1.
        expect(parseStopRequest(parsed.input, { maxWaitSeconds: 900 })).toBeDefined();
        const run = await runCli([...argv, '--json']);
        expect(run.code, run.stderr).toBe(1);
        expect(JSON.parse(run.stdout)).toMatchObject({ error: 'PipelineExecutionNotFound' });
        return;
      }
      if (parsed.name === 'stop-all') {
        const run = await runCli([...argv, '--json']);
        // No such pipeline here: a pattern finds none (exit 0), a name is PipelineNotFound (exit 1).
        if (parsed.input.pipelineNamePattern)
          expect(JSON.parse(run.stdout)).toMatchObject({ dryRun: parsed.input.dryRun === true, signalled: 0, selected: 0 });
        else expect(JSON.parse(run.stdout)).toMatchObject({ error: 'PipelineNotFound' });
        return;
      }
      const run = await runCli(argv);
      expect(run.code, run.stderr).toBe(0);
    },
    90_000,
  );

  it('documents a console input in the README that the state machine accepts', () => {
    // Prepare
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    // Act
    const inputs = codeBlocks(readme, 'json').map((text) => JSON.parse(text) as unknown);
    // Assess
    expect(inputs).toHaveLength(1);
    expect(parseStopRequest(inputs[0], { maxWaitSeconds: 900 })).toMatchObject({ maxWaitSeconds: 900, reason: 'release 2026.11' });
  });
});
