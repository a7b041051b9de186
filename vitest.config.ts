import { configDefaults, defineConfig } from 'vitest/config';
import { LOCAL_FUNCTION_ENVIRONMENT } from './local/engine/functions.js';

/**
 * Suites that set no environment and talk to no real endpoint (their SDK clients are mocked with
 * aws-sdk-client-mock, whose stubs would leak into a suite that calls the simulator): they share one
 * module cache per worker (isolate: false), so the SDK and the mocks load once per worker, not once per file.
 */
const SHARED_MODULE_SUITES = [
  'test/template/**/*.test.ts',
  'test/cli/**/*.test.ts',
  'test/functions/**/*.test.ts',
  'test/layout/**/*.test.ts',
  'test/property/glob.test.ts',
  'test/statemachine/graceful-stop.test.ts',
  'test/entrypoints/console.test.ts',
  'test/entrypoints/eventbridge.test.ts',
];
/** It sets its environment before it imports the handlers: it needs modules of its own. */
const OWN_MODULE_SUITES = ['test/functions/handlers.test.ts'];

/**
 * What `npm run test:unit` (`vitest run --mode unit`) leaves out: the suites that start a process, an
 * emulator or the built bundles. What is left runs in about half a minute, with no build.
 */
export const NOT_UNIT = [
  'test/e2e/**',
  'test/local/**',
  'test/reliability/**',
  'test/scenarios/**',
  'test/**/*.simulator.test.ts',
  'test/cli/interrupt.test.ts',
];

export default defineConfig(({ mode }) => {
  const notUnit = mode === 'unit' ? NOT_UNIT : [];
  return {
    test: {
      // Handlers read their configuration once at import: the in-process ones get the template's defaults, as the CLI does.
      env: {
        ...LOCAL_FUNCTION_ENVIRONMENT,
        // The suites assert each poll's path through Wait For Drain: Check hands back after every poll.
        WATCH_SECONDS: '0',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      },
      // The built bundles are plain ESM: let Node load them instead of transforming 300 KB files per run.
      server: { deps: { external: [/\/dist\//] } },
      // A hang fails a test; slowness must not: the longest test takes about 20 s on an idle 2-core
      // machine, so two minutes holds on one five times slower and busy.
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: 'forks',
      // Most suites wait on real time (child CLIs, simulated drains), not on the CPU: four files at once
      // even on a 2-core machine, where vitest's default would run one.
      maxWorkers: 4,
      projects: [
        {
          extends: true,
          test: {
            name: 'shared',
            include: SHARED_MODULE_SUITES,
            exclude: [...configDefaults.exclude, ...OWN_MODULE_SUITES, ...notUnit],
            isolate: false,
          },
        },
        {
          extends: true,
          test: {
            name: 'isolated',
            include: ['test/**/*.test.ts'],
            exclude: [...configDefaults.exclude, ...SHARED_MODULE_SUITES, ...notUnit],
          },
        },
        { extends: true, test: { name: 'own-modules', include: OWN_MODULE_SUITES, exclude: [...configDefaults.exclude, ...notUnit] } },
      ],
    },
  };
});
