/**
 * Whether a target has a spoke, by the spokes' StackSets (one per region, SpokeStackSetPrefix and the
 * region): STS answers a role that is not there and a role that does not trust the hub with the same
 * AccessDenied, and the report should say which.
 */
import { DescribeStackInstanceCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { isErrorNamed } from '#commons/errors.js';
import type { SpokeTarget } from './model.js';

export interface SpokeStackSets {
  cloudFormation: CloudFormationClient;
  prefix: string;
  callAs: 'SELF' | 'DELEGATED_ADMIN';
}

export const spokeStackSetName = (prefix: string, region: string): string => `${prefix}${region}`;

/**
 * False when the region's StackSet has no instance in the target's account; true when it has one;
 * undefined when the StackSet cannot tell (it does not exist, or cannot be read).
 */
export async function hasStackInstance(stackSets: SpokeStackSets, target: SpokeTarget): Promise<boolean | undefined> {
  try {
    await stackSets.cloudFormation.send(
      new DescribeStackInstanceCommand({
        StackSetName: spokeStackSetName(stackSets.prefix, target.region),
        StackInstanceAccount: target.accountId,
        StackInstanceRegion: target.region,
        CallAs: stackSets.callAs,
      }),
    );
    return true;
  } catch (error) {
    if (isErrorNamed(error, 'StackInstanceNotFoundException')) return false;
    return undefined;
  }
}
