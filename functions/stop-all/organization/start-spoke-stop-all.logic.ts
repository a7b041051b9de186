/**
 * Starts one target's stop-all under a name derived from the organization stop and the target, so a
 * retried start is the same start (ExecutionAlreadyExists: the running one is used).
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { STSClient } from '@aws-sdk/client-sts';
import { isErrorNamed } from '#commons/errors.js';
import { digestOf } from '#commons/tokens.js';
import type { SpokeCheck, SpokeTarget } from './model.js';
import { MIN_CHECK_SECONDS } from './check-spoke-stop-all.logic.js';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { oneLineStack, SpokeAccessDenied, SpokeNotDeployed, spokeError, spokeStepFunctions, spokeStopAllArn } from './spoke-access.js';
import { hasStackInstance, spokeStackSetName, type SpokeStackSets } from './spoke-instances.js';

export interface StartDependencies {
  sts: STSClient;
  partition: string;
  now: () => number;
  /** The spokes' StackSets, to tell a target without a spoke from a spoke that refuses the hub. */
  stackSets?: SpokeStackSets;
}

/** A spoke role that cannot be assumed is SpokeNotDeployed when its region's StackSet has no instance in the account. */
async function reachSpoke(target: SpokeTarget, deps: StartDependencies): Promise<SFNClient> {
  try {
    return await spokeStepFunctions(deps.sts, deps.partition, target, deps.now());
  } catch (error) {
    if (error instanceof SpokeAccessDenied && deps.stackSets && (await hasStackInstance(deps.stackSets, target)) === false) {
      const stackSet = spokeStackSetName(deps.stackSets.prefix, target.region);
      throw oneLineStack(new SpokeNotDeployed(target, error, `the StackSet ${stackSet} has no instance in ${target.accountId}`));
    }
    throw error;
  }
}

/** `org-<digest of the organization stop>-<digest of the target>`: within Step Functions' 80 characters, one per target. */
export const spokeExecutionName = (organizationStopId: string, target: SpokeTarget): string =>
  `org-${digestOf(organizationStopId, 24)}-${digestOf(`${target.accountId}/${target.region}`, 16)}`;

export async function startSpokeStopAll(
  input: { target: SpokeTarget; organizationStopId: string; stopAll: Record<string, unknown> },
  deps: StartDependencies,
): Promise<SpokeCheck> {
  const { target } = input;
  const sfn = await reachSpoke(target, deps);
  const stateMachineArn = spokeStopAllArn(deps.partition, target);
  const name = spokeExecutionName(input.organizationStopId, target);
  const startedAt = new Date(deps.now()).toISOString();
  try {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input.stopAll) }));
    return { ...target, spokeExecutionArn: started.executionArn ?? '', startedAt, done: false, nextWaitSeconds: MIN_CHECK_SECONDS };
  } catch (error) {
    if (isErrorNamed(error, 'ExecutionAlreadyExists')) {
      const spokeExecutionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      return { ...target, spokeExecutionArn, startedAt, done: false, nextWaitSeconds: MIN_CHECK_SECONDS };
    }
    throw spokeError(target, error);
  }
}
