/**
 * The package a user installs: `npm pack` ships what the CLI and a deploy need (the built CLI and
 * function bundles, the functions' sources, the state machines, the template, the docs) and nothing
 * else; every link of its Markdown resolves inside it; installed from the tarball in an empty
 * folder, `npx graceful-stop --help` and `npx graceful-stop demo` run there.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
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
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/cli/graceful-stop.mjs',
        'template.yaml',
        'statemachine/graceful-stop.asl.json',
        'package.json',
        'README.md',
      ]),
    );
    expect(files.some((file) => file.startsWith('dist/functions/'))).toBe(true);
    expect(files.some((file) => file.startsWith('functions/graceful-stop/'))).toBe(true);
    // The simulator's and the benchmarks' pages are documentation the README links to; their code stays out.
    expect(
      files.filter(
        (file) =>
          (/^(test|bench|\.ci|scripts|local)\//.test(file) && !['local/README-simulator.md', 'bench/README.md'].includes(file)) ||
          file.endsWith('.map'),
      ),
    ).toEqual([]);
    // 18 function bundles of about 250 KB each (the organization hub's four included), compressed: under 2 MB.
    expect(statSync(tarball).size).toBeLessThan(2_000_000);
  }, 150_000);

  it('has no Markdown link that leads outside the package', () => {
    // Prepare
    expect(files.length, 'packed by the test before').toBeGreaterThan(0);
    const shipped = new Set(files);

    // Act: every relative link target of every packed Markdown file, resolved from that file.
    const broken = files
      .filter((file) => file.endsWith('.md'))
      .flatMap((file) =>
        [...readFileSync(join(projectRoot, file), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
          .map((match) => (match[1] ?? '').split('#')[0] ?? '')
          .filter((target) => target !== '' && !/^[a-z]+:/.test(target))
          .map((target) => ({ file, target, resolved: normalize(join(dirname(file), target)) }))
          .filter(({ resolved }) => !shipped.has(resolved)),
      );

    // Assess
    expect(broken).toEqual([]);
  });

  it('installs from the tarball in an empty folder, and npx graceful-stop --help and demo run there', async () => {
    // Prepare
    expect(tarball, 'packed by the test before').not.toBe('');
    const app = join(folder, 'app');
    rmSync(app, { recursive: true, force: true });
    await run('mkdir', ['-p', app], folder, 10_000);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));

    // Act
    const installed = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app, 240_000);
    const help = await run('npx', ['--no-install', 'graceful-stop', '--help'], app, 60_000);
    const demo = await run('npx', ['--no-install', 'graceful-stop', 'demo'], app, 120_000);

    // Assess
    expect(installed.code, installed.stderr.slice(-2000)).toBe(0);
    expect(readdirSync(join(app, 'node_modules', 'sagemaker-pipelines-graceful-stop'))).not.toContain('test');
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n {2}graceful-stop demo /);
    expect(demo.code, `${demo.stderr.slice(-3000)}\n${demo.stdout}`).toBe(0);
    expect(demo.stdout).toMatch(/^outcome Stopped \(final status Stopped\)/);
    expect(demo.stderr.trimEnd().split('\n').at(-1)).toMatch(/as expected for this scenario$/);
  }, 400_000);
});
