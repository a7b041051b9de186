/**
 * A pipeline's own limits, from its tags (one key prefix, `graceful-stop:`): the owners of a
 * pipeline know how long its runs may take and how many may run at once, and tags are where AWS
 * users keep such policy. A bad value is reported - with the tag, the value and what was expected -
 * and ignored: it never stops a run and never stops the guard.
 */
import { ListTagsCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { parseDuration } from '#commons/duration.js';

export const TAG_PREFIX = 'graceful-stop:';
export const POLICY_TAGS = {
  /** A run of the pipeline older than this is stopped gracefully (a duration: 6h, 90m, 1d12h). */
  maxRuntime: `${TAG_PREFIX}max-runtime`,
  /** At most this many of its runs at once; the newest beyond it are stopped gracefully. */
  maxConcurrentRuns: `${TAG_PREFIX}max-concurrent-runs`,
  /** How long its callback steps nobody answers get before they are released, in the stops these limits make. */
  grace: `${TAG_PREFIX}grace`,
  /** `true`: the deployment-wide runaway guard leaves the pipeline alone (an explicit stop or stop-all never does). */
  exempt: `${TAG_PREFIX}exempt`,
} as const;

/** SageMaker runs a pipeline execution at most 28 days (672 hours). */
export const MAX_RUNTIME_SECONDS = 2_419_200;
export const MIN_RUNTIME_SECONDS = 60;
export const MAX_CONCURRENT_RUNS = 1_000;
export const MAX_GRACE_SECONDS = 86_400;

export interface PipelinePolicy {
  maxRuntimeSeconds?: number;
  maxConcurrentRuns?: number;
  graceSeconds?: number;
  exempt: boolean;
}

/** A policy tag whose value was refused: it is ignored, and the guard's report says so. */
export interface TagProblem {
  tag: string;
  value: string;
  problem: string;
}

export interface Tag {
  Key?: string;
  Value?: string;
}

const KNOWN = Object.values(POLICY_TAGS) as string[];
/** A value never grows the report: SageMaker allows 256 characters. */
const shown = (value: string): string => (value.length > 60 ? `${value.slice(0, 59)}…` : value);

function durationIn(value: string, min: number, max: number, example: string): number | string {
  const seconds = parseDuration(value);
  if (seconds === undefined) return `expected a duration such as ${example}`;
  if (seconds < min || seconds > max) return `expected ${min} s to ${max} s (${max / 3_600} h)`;
  return seconds;
}

/** The policy a pipeline's tags give, and the tags that were refused. */
export function policyOfTags(tags: readonly Tag[]): { policy: PipelinePolicy; problems: TagProblem[] } {
  const policy: PipelinePolicy = { exempt: false };
  const problems: TagProblem[] = [];
  for (const { Key: tag = '', Value: raw = '' } of tags) {
    if (!tag.startsWith(TAG_PREFIX)) continue;
    const value = raw.trim();
    const refuse = (problem: string): void => void problems.push({ tag, value: shown(raw), problem });
    if (!KNOWN.includes(tag)) {
      refuse(`unknown policy tag; expected one of ${KNOWN.join(', ')}`);
    } else if (tag === POLICY_TAGS.maxRuntime) {
      const seconds = durationIn(value, MIN_RUNTIME_SECONDS, MAX_RUNTIME_SECONDS, '6h, 90m or 2d');
      if (typeof seconds === 'string') refuse(seconds);
      else policy.maxRuntimeSeconds = seconds;
    } else if (tag === POLICY_TAGS.maxConcurrentRuns) {
      const count = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isInteger(count) || count < 1 || count > MAX_CONCURRENT_RUNS)
        refuse(`expected a whole number from 1 to ${MAX_CONCURRENT_RUNS}`);
      else policy.maxConcurrentRuns = count;
    } else if (tag === POLICY_TAGS.grace) {
      const seconds = durationIn(value, 0, MAX_GRACE_SECONDS, '0, 90s or 15m');
      if (typeof seconds === 'string') refuse(seconds);
      else policy.graceSeconds = seconds;
    } else if (value === 'true' || value === 'false') {
      policy.exempt = value === 'true';
    } else {
      refuse('expected true or false');
    }
  }
  return { policy, problems };
}

/** A resource holds at most 50 tags and ListTags returns at least 50 a page: two pages are more than enough. */
const MAX_TAG_PAGES = 2;

/** Every page of a pipeline's tags, each call paced. */
export async function readPipelineTags(sagemaker: SageMakerClient, pipelineArn: string, pace: () => Promise<void>): Promise<Tag[]> {
  const tags: Tag[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_TAG_PAGES; page += 1) {
    await pace();
    const listed = await sagemaker.send(new ListTagsCommand({ ResourceArn: pipelineArn, MaxResults: 50, NextToken: nextToken }));
    tags.push(...(listed.Tags ?? []));
    nextToken = listed.NextToken;
    if (!nextToken) break;
  }
  return tags;
}
