import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Handlers read their configuration once at import: give the in-process ones a local setup.
    env: {
      DEFAULT_MAX_WAIT_SECONDS: '900',
      DEFAULT_RELEASE_CALLBACKS_AFTER_SECONDS: '',
      POLL_CAP_SECONDS: '20',
      POLL_MIN_SECONDS: '1',
      WATCH_SECONDS: '0',
      COMPLETION_EVENT_BUS_NAME: '',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    // The built bundles are plain ESM: let Node load them instead of transforming 300 KB files per run.
    server: { deps: { external: [/\/dist\//] } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
