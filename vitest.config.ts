import { defineConfig } from 'vitest/config';
import { LOCAL_FUNCTION_ENVIRONMENT } from './local/engine/functions.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
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
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most suites wait on real time (child CLIs, simulated drains), not on the CPU: three files at once
    // even on a 2-core machine, where vitest's default would run one.
    maxWorkers: 3,
  },
});
