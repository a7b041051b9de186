#!/usr/bin/env node
// Runs the test suite with CPU-bound processes beside it, as on a busy machine:
// `npm run test:load` (two burners, one run) or `node scripts/test-under-load.mjs --burners 2 --runs 3`.
// Every burner is killed when the runs end, however they end.
import { spawn, spawnSync } from 'node:child_process';

function option(name, fallback, max) {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const raw = process.argv[index + 1] ?? '';
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    console.error(`--${name} is "${raw}"; expected an integer from 1 to ${max}.`);
    process.exit(2);
  }
  return value;
}

const burnerCount = option('burners', 2, 16);
const runs = option('runs', 1, 10);
// Each burner spins for at most an hour, so none outlives a killed parent for long.
const burners = Array.from({ length: burnerCount }, () =>
  spawn(process.execPath, ['-e', 'const end = Date.now() + 3_600_000; while (Date.now() < end) {}'], { stdio: 'ignore' }),
);
const stopBurners = () => {
  for (const burner of burners) burner.kill('SIGKILL');
};
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

let failed = 0;
for (let run = 1; run <= runs; run += 1) {
  console.log(`== test run ${run} of ${runs} with ${burnerCount} CPU-bound processes beside it`);
  const started = Date.now();
  const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2).filter((arg) => arg.startsWith('test/'))], {
    stdio: 'inherit',
  });
  console.log(`== run ${run}: exit ${result.status} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
