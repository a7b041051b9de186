import type { Clock } from '#commons/clock.js';
import { unwrapEnvelope } from './stop-request.js';
import { stopInEffect, type CaughtFailure, type GracefulStopState, type OutputDocument, type ReportedResult } from './model.js';
import { causeSentence, clip } from '#commons/text.js';
import { unwrapTransient } from '#commons/service-errors.js';
import {
  classifyEnd,
  describeDrainingStep,
  drainTimedOutSentence,
  endedFailedSentence,
  type Outcome,
} from '#pipeline-runs/pipeline-execution.js';
import { POLLS_SAID } from '#pipeline-runs/sagemaker-errors.js';

const MAX_CAUSE_LENGTH = 2_000;

/** A caught failure's sentence: the Lambda error's message, the cause's text, or its name when it has neither. */
export function readableCause(failure: CaughtFailure): string {
  return causeSentence(failure.Cause ?? '') || `The graceful stop failed with ${failure.Error}.`;
}

/** The ARN from a (possibly invalid) raw input, only when it is a string: for the report's facts. */
function rawArn(raw: unknown): string {
  const body = unwrapEnvelope(raw);
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).pipelineExecutionArn : undefined;
  return typeof value === 'string' ? value.slice(0, 2048) : '';
}

/** What the run leaves behind, in the facts of a failure too: `leftovers=<kind> <name>: <action>; ...`. */
function leftoverFacts(document: OutputDocument): string {
  const leftovers = document.leftovers ?? [];
  if (leftovers.length === 0) return '';
  // The resource's last name (a job or function name, a queue's): the document has the whole ARN or URL.
  const shortName = (resource: string): string => resource.slice(Math.max(resource.lastIndexOf('/'), resource.lastIndexOf(':')) + 1);
  const listed = leftovers.map((leftover) => `${leftover.kind} ${shortName(leftover.resource)}: ${leftover.action}`).join('; ');
  return `, leftovers=${clip(listed, MAX_LEFTOVER_FACTS_LENGTH)}`;
}

/** The leftovers' share of a failure's facts (the cause is at most MAX_CAUSE_LENGTH). */
const MAX_LEFTOVER_FACTS_LENGTH = 300;

function facts(document: OutputDocument): string {
  return ` [pipelineExecutionArn=${document.pipelineExecutionArn || '(none)'}, finalStatus=${document.finalStatus ?? 'unknown'}, waitedSeconds=${document.waitedSeconds}, polls=${document.polls}${leftoverFacts(document)}]`;
}

/**
 * Decides how the graceful stop ended and builds the output document.
 * Success outcomes carry no error; named failures carry `error` and a
 * one-sentence `cause` followed by facts.
 */
export function reportOutcome(state: GracefulStopState, clock: Clock): ReportedResult {
  const { request, stop, check } = state;
  const now = clock.now();
  const failureSentence = state.failure ? readableCause(state.failure) : undefined;
  const document: OutputDocument = {
    pipelineExecutionArn: request?.pipelineExecutionArn ?? rawArn(state.raw),
    pipelineName: request?.pipelineName ?? '',
    outcome: null,
    finalStatus: check?.status ?? null,
    ...(check?.failureReason ? { failureReason: check.failureReason } : {}),
    stopRequestedAt: stop?.requestedAt ?? null,
    finishedAt: new Date(now).toISOString(),
    // A failure cuts the last check short: the time waited runs to now, and its polls come with its error.
    waitedSeconds:
      state.failure && stop
        ? Math.max(check?.waitedSeconds ?? 0, Math.round(Math.max(0, clock.secondsSince(stop.requestedAt)) * 10) / 10)
        : (check?.waitedSeconds ?? 0),
    polls: Math.max(check?.polls ?? 0, Number(POLLS_SAID.exec(failureSentence ?? '')?.[1] ?? 0)),
    steps: check?.steps ?? [],
    releasedCallbackSteps: state.released ?? [],
    ...(request?.reason ? { reason: request.reason } : {}),
    ...(state.leftoverCheck ? { jobs: state.leftoverCheck.jobs, leftovers: state.leftoverCheck.leftovers } : {}),
    ...(state.leftoverFailure ? { leftoversUnchecked: readableCause(state.leftoverFailure) } : {}),
  };
  const fail = (error: string, sentence: string): ReportedResult => {
    // Shorten the sentence, not the facts, so a long list of steps cannot push the facts out.
    const tail = facts(document);
    const room = Math.max(MAX_CAUSE_LENGTH - tail.length, MAX_CAUSE_LENGTH / 4);
    return { error, cause: clip(`${clip(sentence, room)}${tail}`, MAX_CAUSE_LENGTH), document };
  };
  const succeed = (outcome: Outcome): ReportedResult => ({ document: { ...document, outcome } });

  if (state.failure) {
    // A named failure or any other caught error keeps its name (a transient one its original name); only a nameless one gets ours.
    const caught = unwrapTransient(state.failure.Error || 'GracefulStopFailed', failureSentence ?? '');
    return fail(caught.name, caught.sentence);
  }
  if (!request || !stop || !check) {
    return fail('GracefulStopFailed', 'The graceful stop reached its report without a stop request or a status check.');
  }
  const end = classifyEnd({
    stopInEffect: stopInEffect(stop),
    ...(stop.statusAtStop ? { statusAtStop: stop.statusAtStop } : {}),
    status: check.status,
    deadlinePassed: check.deadlinePassed,
    failIfNotRunning: request.failIfNotRunning,
  });
  if (end.outcome) return succeed(end.outcome);
  switch (end.error) {
    case 'DrainTimedOut': {
      const draining = check.draining.map((step) => describeDrainingStep(step, now, Date.parse(stop.requestedAt) || undefined));
      return fail(end.error, drainTimedOutSentence(check.status, request.maxWaitSeconds, draining));
    }
    case 'PipelineExecutionNotRunning':
      return fail(
        end.error,
        `The pipeline execution was already ${stop.statusAtStop ?? check.status} when the stop was requested, and failIfNotRunning is true.`,
      );
    case 'PipelineExecutionFailed':
      return fail(end.error, endedFailedSentence(check.steps, check.failureReason));
    default:
      return fail(end.error, `The report was reached while the pipeline execution was still ${check.status}.`);
  }
}
