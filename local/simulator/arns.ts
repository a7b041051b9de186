import { randomInt } from 'node:crypto';

/** ARNs and generated identifiers in SageMaker's formats. */

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet.charAt(randomInt(alphabet.length));
  return out;
}

/** 12 lowercase alphanumeric characters, like real execution ids. */
export const newExecutionId = (): string => randomString(LOWER_ALNUM, 12);

/** 10 alphanumeric characters (the documented CallbackToken constraint). */
export const newCallbackToken = (): string => randomString(ALNUM, 10);

export const newJobSuffix = (): string => randomString(LOWER_ALNUM, 10);

export interface AccountScope {
  region: string;
  accountId: string;
}

const prefix = ({ region, accountId }: AccountScope): string => `arn:aws:sagemaker:${region}:${accountId}`;

/** SageMaker lowercases the pipeline name inside the ARN. */
export const pipelineArn = (scope: AccountScope, pipelineName: string): string => `${prefix(scope)}:pipeline/${pipelineName.toLowerCase()}`;

export const executionArn = (scope: AccountScope, pipelineName: string, executionId: string): string =>
  `${pipelineArn(scope, pipelineName)}/execution/${executionId}`;

/** e.g. arn:aws:sagemaker:us-east-1:123456789012:training-job/pipelines-abc-train-x1 */
export const jobArn = (scope: AccountScope, resource: string, name: string): string => `${prefix(scope)}:${resource}/${name}`;

/** The pipeline name part of a pipeline ARN, or the input itself when it is a plain name. */
export function pipelineKey(nameOrArn: string): string {
  const marker = ':pipeline/';
  const at = nameOrArn.indexOf(marker);
  return (at >= 0 ? nameOrArn.slice(at + marker.length) : nameOrArn).toLowerCase();
}
