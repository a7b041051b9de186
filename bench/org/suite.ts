/** The organization bench: its child process (measure-org.ts), and the picture it draws. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild } from '#bench/support/spawn-child.js';
import { timelineSvg } from './timeline.js';
import type { OrgResult, OrgSpec } from './types.js';

/** 100 accounts × 3 regions, 20 runs each (SageMaker's quota per account and region), 2-minute drains. */
export const ORG_CASE = { accounts: 100, regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], runsPerSpoke: 20, drainSeconds: 120 };
/**
 * The organization stop runs in real time: 300 spokes' simulators and stop-alls and the hub share
 * this machine's 2 cores, and at a time scale of K a millisecond of waiting for a core weighs K
 * simulated ones (at 5, 135 of 300 starts timed out queued behind the spokes' work; at 10 the last
 * signal came after 932 simulated seconds).
 */
export const ORG_TIME_SCALE = 1;
/** Spokes per worker thread: each thread one engine, one copy of the bundles, a simulator per spoke. */
const SPOKES_PER_THREAD = 30;
/** The second stop's targets: Step Functions' history and payloads at the organization stop's most. */
export const QUOTA_TARGETS = 1_000;
const CHILD_TIMEOUT_MS = 1_800_000;

export type OrgRow = Omit<OrgResult, 'timeline'> & { picture?: string; error?: string };

/** The picture docs/benchmarks.md shows. */
export const PICTURE = join('docs', 'images', 'organization-stop.svg');

export async function measureOrganizationStop(benchDir: string, functionsDir: string, projectRoot: string): Promise<OrgRow> {
  const spec: OrgSpec = {
    ...ORG_CASE,
    timeScale: ORG_TIME_SCALE,
    spokesPerThread: SPOKES_PER_THREAD,
    quotaTargets: QUOTA_TARGETS,
    functionsDir,
  };
  const env = {
    GRACEFUL_STOP_TIME_SCALE: String(ORG_TIME_SCALE),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const child = await spawnChild<OrgResult>(join(benchDir, 'org-child.mjs'), spec, env, CHILD_TIMEOUT_MS);
  if (!child.result) throw new Error(child.error ?? 'no result');
  const { timeline, ...row } = child.result;
  mkdirSync(join(projectRoot, 'docs', 'images'), { recursive: true });
  writeFileSync(join(projectRoot, PICTURE), timelineSvg({ ...row, timeline }));
  return { ...row, picture: PICTURE };
}
