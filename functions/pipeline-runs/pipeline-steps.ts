import { ListPipelineExecutionStepsCommand, type PipelineExecutionStep, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DRAINING_STEP_STATUSES, type StepView } from './pipeline-execution.js';
import { maskToken } from '#commons/tokens.js';

/** Pages are bounded: 100 steps a page, at most 50 pages (5,000 steps). */
const PAGE_SIZE = 100;
const MAX_PAGES = 50;

/** Reads every page of ListPipelineExecutionSteps; `beforePage` paces the calls of a loop over many runs. */
export async function listAllSteps(
  sagemaker: SageMakerClient,
  pipelineExecutionArn: string,
  beforePage?: () => Promise<void>,
): Promise<PipelineExecutionStep[]> {
  const steps: PipelineExecutionStep[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    await beforePage?.();
    const response = await sagemaker.send(
      new ListPipelineExecutionStepsCommand({
        PipelineExecutionArn: pipelineExecutionArn,
        MaxResults: PAGE_SIZE,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    steps.push(...(response.PipelineExecutionSteps ?? []));
    nextToken = response.NextToken;
    if (!nextToken) return steps;
  }
  return steps;
}

/** The step type is the one key present in Metadata (Callback, Lambda, TrainingJob, ...). */
export function inferStepType(step: PipelineExecutionStep): string {
  const metadata = step.Metadata as Record<string, unknown> | undefined;
  const key = metadata ? Object.keys(metadata).find((name) => metadata[name] !== undefined) : undefined;
  return key ?? 'Unknown';
}

export function callbackTokenOf(step: PipelineExecutionStep): string | undefined {
  return step.Metadata?.Callback?.CallbackToken;
}

export function isDraining(step: { StepStatus?: string }): boolean {
  return step.StepStatus !== undefined && DRAINING_STEP_STATUSES.includes(step.StepStatus);
}

/**
 * A draining callback step with a token that this graceful stop has not
 * released yet (by step name). Check decides `releaseDue` and Release acts
 * with this one predicate: if they disagreed, the Release → Check loop would
 * spin without a wait until the deadline.
 */
export function isReleasable(step: PipelineExecutionStep, releasedNames: ReadonlySet<string>): boolean {
  return inferStepType(step) === 'Callback' && !!callbackTokenOf(step) && isDraining(step) && !releasedNames.has(step.StepName ?? '');
}

const iso = (date: Date | undefined): string | undefined => (date ? date.toISOString() : undefined);

/** A reportable view of a step: the callback token is masked. */
export function toStepView(step: PipelineExecutionStep): StepView {
  const token = callbackTokenOf(step);
  const startedAt = iso(step.StartTime);
  const endedAt = iso(step.EndTime);
  return {
    name: step.StepName ?? '(unnamed)',
    type: inferStepType(step),
    status: step.StepStatus ?? 'Unknown',
    ...(startedAt ? { startedAt } : {}),
    ...(endedAt ? { endedAt } : {}),
    ...(step.FailureReason ? { failureReason: step.FailureReason } : {}),
    ...(token ? { callbackToken: maskToken(token) } : {}),
  };
}
