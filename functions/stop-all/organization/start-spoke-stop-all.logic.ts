/**
 * Starts one target's stop-all under a name derived from the organization stop and the target, so a
 * retried start is the same start (ExecutionAlreadyExists: the running one is used).
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { STSClient } from '@aws-sdk/client-sts';
import { isErrorNamed } from '#commons/errors.js';
import { digestOf } from '#commons/tokens.js';
import type { SpokeTarget, StartedSpoke } from './model.js';
import { spokeError, spokeStepFunctions, spokeStopAllArn } from './spoke-access.js';

export interface StartDependencies {
  sts: STSClient;
  partition: string;
  now: () => number;
}

/** `org-<digest of the organization stop>-<digest of the target>`: within Step Functions' 80 characters, one per target. */
export const spokeExecutionName = (organizationStopId: string, target: SpokeTarget): string =>
  `org-${digestOf(organizationStopId, 24)}-${digestOf(`${target.accountId}/${target.region}`, 16)}`;

export async function startSpokeStopAll(
  input: { target: SpokeTarget; organizationStopId: string; stopAll: Record<string, unknown> },
  deps: StartDependencies,
): Promise<StartedSpoke> {
  const { target } = input;
  const sfn = await spokeStepFunctions(deps.sts, deps.partition, target, deps.now());
  const stateMachineArn = spokeStopAllArn(deps.partition, target);
  const name = spokeExecutionName(input.organizationStopId, target);
  const startedAt = new Date(deps.now()).toISOString();
  try {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input.stopAll) }));
    return { ...target, spokeExecutionArn: started.executionArn ?? '', startedAt };
  } catch (error) {
    if (isErrorNamed(error, 'ExecutionAlreadyExists')) {
      return { ...target, spokeExecutionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`, startedAt };
    }
    throw spokeError(target, error);
  }
}
