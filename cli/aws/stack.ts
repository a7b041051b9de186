/**
 * Which deployed state machine a command runs: the ARN given, or the stack output that names it
 * (DescribeStacks), in the region the ARN names.
 */
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { NamedError, isErrorNamed } from '#commons/errors.js';

/** Which deployed state machine a command runs, and the stack output that names it. */
export const STACK_OUTPUTS = {
  stop: 'GracefulStopStateMachineArn',
  'stop-all': 'StopAllStateMachineArn',
  'organization-stop': 'OrganizationStopStateMachineArn',
} as const;
export type AwsCommandKind = keyof typeof STACK_OUTPUTS;

/** CloudFormation has no such stack in the region (exit 1, like any failure to reach what was named). */
export class StackNotFound extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('StackNotFound', message, cause);
  }
}

/** The stack exists but has no output naming the state machine (an older version of the template). */
export class StackOutputMissing extends NamedError {
  constructor(message: string, cause?: unknown) {
    super('StackOutputMissing', message, cause);
  }
}

/** Region of a state machine ARN: the client must call that region whatever the profile says. */
export function regionOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:states:([^:]+):/.exec(arn)?.[1];
}

/** Reads the state machine ARN from the stack's outputs (DescribeStacks). */
export async function stateMachineArnFromStack(
  cloudFormation: CloudFormationClient,
  stackName: string,
  kind: AwsCommandKind,
): Promise<string> {
  const outputKey = STACK_OUTPUTS[kind];
  let response;
  try {
    response = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    if (isErrorNamed(error, 'ValidationError')) {
      throw new StackNotFound(`CloudFormation has no stack "${stackName}" in this region (${error.message}).`, error);
    }
    throw error;
  }
  const output = response.Stacks?.[0]?.Outputs?.find((candidate) => candidate.OutputKey === outputKey);
  if (!output?.OutputValue) {
    throw new StackOutputMissing(
      `Stack "${stackName}" has no output ${outputKey}; deploy this version of template.yaml, or pass --state-machine-arn.`,
    );
  }
  return output.OutputValue;
}
