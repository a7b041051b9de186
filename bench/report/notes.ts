/** The prose under the report's tables: what each measurement did and how it was priced, one sentence a line. */

/** How a graceful stop is priced (the source of the prices first). */
export function pricesNote(source: string): string {
  return `Prices: ${source}: ${PRICES_TEXT}`;
}

const PRICES_TEXT = [
  'Step Functions $0.025 per 1,000 transitions, Lambda arm64 $0.0000133334 per GB-s + $0.20 per 1M',
  'requests, S3 $0.0004 per 1,000 GETs and $0.005 per 1,000 PUTs and LISTs (the stop records, and a',
  "watching check's look for the run's end record every second while its next poll is more than 2 s",
  'away). Lambda GB-s in simulated time = per invocation (work at its real duration + sleeps × K,',
  "rounded up to 1 ms) × the function's MemorySize in template.yaml (Check Pipeline Execution 128 MB,",
  'the others 256 MB); SageMaker calls are free but count against its rate limits.',
].join(' ');

export const EVENTS_NOTE = [
  "events: the local cloud delivers SageMaker's status change events through template.yaml's rules",
  '(EndWaitsFunction: the end record for a watching Check, SendTaskSuccess for a waiting Wait For Run',
  'Events); polling only: the same stops with those events lost, i.e. the stop as it was before the',
  'events. Locally EventBridge delivers at once; on AWS add its delivery time (typically well under a',
  'second). K magnifies a real millisecond of scheduling K times.',
].join(' ');

export const FLEET_NOTE = [
  'fleet (measured): the stop-all state machine on the embedded engine with the built bundles against',
  'the simulator at time scale 10 (5 for 10,000 runs); a mix of Training, Processing, Lambda (≤ 10 min,',
  "then Training) and Callback runs, a tenth already stuck in Stopping (someone else's stop nobody",
  'answers; released after the drain). map-40 (modelled): the previous stop-all - batches of 100, a',
  'graceful-stop child per run in a Map at most 40 at a time, at most 2,000 runs per stop-all, runs',
  "already Stopping never selected - from one graceful stop measured on the simulator and the fleet's",
  'measured listing. sdk-loop (modelled): stop one run, poll DescribePipelineExecution every 10 s until',
  'it ends, then the next; AWS bills nothing for it, but it keeps a machine busy the whole time.',
  '"slowest notice": the longest delay from a run\'s end (the simulator\'s LastModifiedTime) to its end',
  "being noticed. Peaks: the fleet's pacers count the calls they let through in each second",
  '(peakCallsPerSecond in its report); beside it the busiest simulated second as the calls left the',
  'process and as the simulator received them, where a time scale of K magnifies a millisecond of',
  "scheduling on this 2-core machine K times (on AWS, where K = 1, the pace's 4 % of room is 40 ms per",
  'second).',
].join(' ');
