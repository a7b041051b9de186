/**
 * The hub's clients, here and not in commons: importing the STS, Organizations and CloudFormation
 * clients would make every other function's bundle larger and its cold start slower.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { BOUNDED_CLIENT_OPTIONS, withNamedServiceErrors } from '#commons/clients.js';

/** STS, CloudFormation (StackSet instances) and Organizations, for the hub of an organization stop. */
export function createStsClient(): STSClient {
  return withNamedServiceErrors(new STSClient({ ...BOUNDED_CLIENT_OPTIONS }));
}
export function createCloudFormationClient(): CloudFormationClient {
  return withNamedServiceErrors(new CloudFormationClient({ ...BOUNDED_CLIENT_OPTIONS }));
}
export function createOrganizationsClient(): OrganizationsClient {
  return withNamedServiceErrors(new OrganizationsClient({ ...BOUNDED_CLIENT_OPTIONS }));
}

/** Step Functions in another account and region, with an assumed role's credentials (the organization stop's spokes). */
export function createStepFunctionsClientIn(
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration?: Date },
): SFNClient {
  return withNamedServiceErrors(new SFNClient({ ...BOUNDED_CLIENT_OPTIONS, region, credentials }));
}
