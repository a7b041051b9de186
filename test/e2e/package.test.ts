/**
 * The package a user installs: `npm pack` ships what the CLI and a deploy need (the built CLI and
 * function bundles, the functions' sources, the state machines, the template) and nothing else;
 * installed from the tarball in an empty folder, `graceful-stop demo` runs end to end.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#local/engine/paths.js';

const folder = mkdtempSync(join(tmpdir(), 'graceful-stop-package-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** npm's own variables of the `npm test` around this suite stay out of the npm commands it runs. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: cleanEnv, timeout: timeoutMs, maxBuffer: 20_000_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the npm package', () => {
  let tarball = '';
  let files: string[] = [];

  it('holds the CLI, the bundles, the functions, the state machines and the template, and no tests, bench or CI', async () => {
    // Act: dist/ is built by `npm test` before the suite runs, so pack it as it is.
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', folder], projectRoot, 120_000);
    const [report] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(folder, report?.filename ?? '');
    files = (report?.files ?? []).map((file) => file.path);

    // Assess
    expect(packed.code, packed.stderr).toBe(0);
    expect(files).toEqual(expect.arrayContaining(['dist/cli/graceful-stop.mjs', 'template.yaml', 'statemachine/graceful-stop.asl.json', 'package.json', 'README.md']));
    expect(files.some((file) => file.startsWith('dist/functions/'))).toBe(true);
    expect(files.some((file) => file.startsWith('functions/graceful-stop/'))).toBe(true);
    expect(files.filter((file) => /^(test|bench|\.ci|scripts|local)\//.test(file) || file.endsWith('.map'))).toEqual([]);
    expect(statSync(tarball).size).toBeLessThan(1_500_000);
  }, 150_000);

  it('installs from the tarball in an empty folder, and graceful-stop demo runs there end to end', async () => {
    // Prepare
    expect(tarball, 'packed by the test before').not.toBe('');
    const app = join(folder, 'app');
    rmSync(app, { recursive: true, force: true });
    await run('mkdir', ['-p', app], folder, 10_000);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));

    // Act
    const installed = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app, 240_000);
    const demo = await run(join(app, 'node_modules', '.bin', 'graceful-stop'), ['demo'], app, 120_000);

    // Assess
    expect(installed.code, installed.stderr.slice(-2000)).toBe(0);
    expect(readdirSync(join(app, 'node_modules', 'sagemaker-pipelines-graceful-stop'))).not.toContain('test');
    expect(demo.code, `${demo.stderr.slice(-3000)}\n${demo.stdout}`).toBe(0);
    expect(demo.stdout).toMatch(/^outcome Stopped \(final status Stopped\)/);
    expect(demo.stderr.trimEnd().split('\n').at(-1)).toMatch(/as expected for this scenario$/);
  }, 400_000);
});
