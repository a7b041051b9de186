import { stepTypeInfo } from './step-types.js';
import { isJsonObject, type JsonValue, type StepSimulation } from './types.js';

/**
 * The simulator-only `Simulation` block of a step definition: how long the step
 * runs, how it ends, when a Lambda step times out and how long a job step takes
 * to stop. Defaults are applied here.
 */

const DEFAULT_DURATION_SECONDS = 5;
const INSTANT_DURATION_SECONDS = 0;
export const LAMBDA_TIMEOUT_DEFAULT_SECONDS = 120;
export const LAMBDA_TIMEOUT_MAX_SECONDS = 600;
/** Training, Processing, ... steps take this long to go Stopping → Stopped. */
export const DEFAULT_STOP_DURATION_SECONDS = 2;

const FIELDS = [
  'DurationSeconds',
  'Outcome',
  'FailureReason',
  'TimeoutSeconds',
  'StopDurationSeconds',
  'JobOutlivesStepSeconds',
  'ConditionOutcome',
  'FailAttempts',
  'FailureException',
];

export function readSimulation(raw: JsonValue | undefined, type: string, label: string, problems: string[]): StepSimulation {
  const kind = stepTypeInfo(type)?.kind;
  const simulation: StepSimulation = {
    durationSeconds: kind === 'instant' ? INSTANT_DURATION_SECONDS : DEFAULT_DURATION_SECONDS,
    outcome: type === 'Fail' ? 'Failed' : 'Succeeded',
    failureReason: 'Simulated step failure',
    timeoutSeconds: LAMBDA_TIMEOUT_DEFAULT_SECONDS,
    stopDurationSeconds: DEFAULT_STOP_DURATION_SECONDS,
    jobOutlivesStepSeconds: 0,
    failAttempts: 0,
    failureException: 'SageMaker.JOB_INTERNAL_ERROR',
  };
  if (raw === undefined) return simulation;
  if (!isJsonObject(raw)) {
    problems.push(`${label}: "Simulation" must be an object`);
    return simulation;
  }
  const problem = (text: string): void => {
    problems.push(`${label}: Simulation.${text}`);
  };
  for (const key of Object.keys(raw)) {
    if (!FIELDS.includes(key)) problems.push(`${label}: unknown Simulation field "${key}" (allowed: ${FIELDS.join(', ')})`);
  }
  const {
    DurationSeconds: duration,
    Outcome: outcome,
    FailureReason: reason,
    TimeoutSeconds: timeout,
    StopDurationSeconds: stopDuration,
    JobOutlivesStepSeconds: outlives,
  } = raw;

  if (duration !== undefined) {
    if (isSeconds(duration)) simulation.durationSeconds = duration;
    else problem('DurationSeconds must be a number >= 0');
  }
  if (outcome !== undefined) {
    if (outcome === 'Succeeded' || outcome === 'Failed') simulation.outcome = outcome;
    else problem('Outcome must be "Succeeded" or "Failed"');
  }
  if (reason !== undefined) {
    if (typeof reason === 'string') simulation.failureReason = reason;
    else problem('FailureReason must be a string');
  }
  if (timeout !== undefined) {
    if (kind !== 'lambda') problem('TimeoutSeconds applies to Lambda steps only');
    else if (isSeconds(timeout) && timeout > 0 && timeout <= LAMBDA_TIMEOUT_MAX_SECONDS) simulation.timeoutSeconds = timeout;
    else problem(`TimeoutSeconds must be a number in (0, ${LAMBDA_TIMEOUT_MAX_SECONDS}]`);
  }
  if (stopDuration !== undefined) {
    if (kind === 'lambda' || kind === 'callback') problem('StopDurationSeconds does not apply to Lambda or Callback steps');
    else if (isSeconds(stopDuration)) simulation.stopDurationSeconds = stopDuration;
    else problem('StopDurationSeconds must be a number >= 0');
  }
  const failAttempts = raw['FailAttempts'];
  if (failAttempts !== undefined) {
    if (typeof failAttempts === 'number' && Number.isInteger(failAttempts) && failAttempts >= 0 && failAttempts <= 20)
      simulation.failAttempts = failAttempts;
    else problem('FailAttempts must be an integer from 0 to 20');
  }
  const failureException = raw['FailureException'];
  if (failureException !== undefined) {
    if (typeof failureException === 'string' && /^[A-Za-z]+\.[A-Z_]+$/.test(failureException))
      simulation.failureException = failureException;
    else problem('FailureException must be an exception type such as SageMaker.JOB_INTERNAL_ERROR');
  }
  const conditionOutcome = raw['ConditionOutcome'];
  if (conditionOutcome !== undefined) {
    if (type !== 'Condition') problem('ConditionOutcome applies to Condition steps only');
    else if (typeof conditionOutcome === 'boolean') simulation.conditionOutcome = conditionOutcome;
    else problem('ConditionOutcome must be true or false');
  }
  if (outlives !== undefined) {
    if (!stepTypeInfo(type)?.jobKind)
      problem(
        'JobOutlivesStepSeconds applies to steps that run a job (Training, Processing, Transform, Tuning, AutoML, QualityCheck, ClarifyCheck)',
      );
    else if (isSeconds(outlives)) simulation.jobOutlivesStepSeconds = outlives;
    else problem('JobOutlivesStepSeconds must be a number >= 0');
  }
  return simulation;
}

const isSeconds = (value: JsonValue): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
