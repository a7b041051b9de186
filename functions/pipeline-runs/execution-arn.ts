/**
 * A pipeline execution's ARN (a run's name everywhere in this product), checked before any call:
 * its partition, region, account, pipeline name and execution id, each with the sentence that says
 * what is wrong with it.
 */
import { parse as parseArn, validate as isArn } from '@aws-sdk/util-arn-parser';
import { InvalidInput } from '#commons/errors.js';
import { describeValue } from '#commons/validation.js';

const MAX_ARN_LENGTH = 2048;
export const PIPELINE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
const EXECUTION_ID = /^[a-zA-Z0-9]{1,64}$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

/**
 * The AWS partitions, each with the region prefixes that belong to it (every other region is in `aws`).
 * An ARN names both: they must agree, or the call would go to an endpoint that does not hold the run.
 */
const PARTITION_REGIONS: Record<string, RegExp> = {
  aws: /^(?!cn-|us-gov-|us-iso|eu-isoe-|eusc-)/,
  'aws-cn': /^cn-/,
  'aws-us-gov': /^us-gov-/,
  'aws-iso': /^us-iso-/,
  'aws-iso-b': /^us-isob-/,
  'aws-iso-e': /^eu-isoe-/,
  'aws-iso-f': /^us-isof-/,
  'aws-eusc': /^eusc-/,
};
export const PARTITIONS = Object.keys(PARTITION_REGIONS);
const ACCOUNT_ID = /^\d{12}$/;

export interface ParsedExecutionArn {
  partition: string;
  region: string;
  accountId: string;
  pipelineName: string;
  executionId: string;
}

/** Parses `arn:<partition>:sagemaker:<region>:<account>:pipeline/<name>/execution/<id>`. */
export function parsePipelineExecutionArn(value: unknown, field = 'pipelineExecutionArn'): ParsedExecutionArn {
  if (typeof value !== 'string') {
    throw new InvalidInput(`${field} is ${describeValue(value)}; expected a SageMaker pipeline execution ARN string.`);
  }
  if (value.trim() === '') throw new InvalidInput(`${field} is empty; expected a SageMaker pipeline execution ARN.`);
  if (value !== value.trim()) {
    throw new InvalidInput(`${field} has leading or trailing whitespace; expected the ARN alone, without spaces or line breaks around it.`);
  }
  if (value.length > MAX_ARN_LENGTH) {
    throw new InvalidInput(`${field} is ${value.length} characters long; expected an ARN of at most ${MAX_ARN_LENGTH} characters.`);
  }
  const expected = 'expected arn:aws:sagemaker:<region>:<account>:pipeline/<name>/execution/<id>';
  if (!isArn(value)) {
    // ARNs are case-sensitive: ARN:AWS:SAGEMAKER:... is a copy that went through an upper-casing tool.
    const why =
      /^arn:/i.test(value) && !value.startsWith('arn:')
        ? ' (ARNs are case-sensitive: it must begin with lower-case "arn:" and name the partition and service in lower case)'
        : '';
    throw new InvalidInput(`${field} ${describeValue(value)} is not an ARN${why}; ${expected}.`);
  }
  const arn = parseArn(value);
  if (arn.service !== 'sagemaker') {
    throw new InvalidInput(`${field} is an ARN of service "${arn.service}", not sagemaker; ${expected}.`);
  }
  const regions = Object.hasOwn(PARTITION_REGIONS, arn.partition) ? PARTITION_REGIONS[arn.partition] : undefined;
  if (!regions) {
    throw new InvalidInput(`${field} names the partition ${describeValue(arn.partition)}; expected one of ${PARTITIONS.join(', ')}.`);
  }
  if (!REGION.test(arn.region) || !ACCOUNT_ID.test(arn.accountId)) {
    throw new InvalidInput(`${field} has a malformed region or account id; ${expected}.`);
  }
  if (!regions.test(arn.region)) {
    throw new InvalidInput(
      `${field} names region "${arn.region}", which is not in partition "${arn.partition}"; expected an ARN as SageMaker returned it.`,
    );
  }
  const parts = arn.resource.split('/');
  if (parts[0] !== 'pipeline' || parts.length !== 4 || parts[2] !== 'execution') {
    const hint = parts[0] === 'pipeline' && parts.length === 2 ? ' (this is a pipeline ARN without an execution)' : '';
    throw new InvalidInput(`${field} names the resource "${arn.resource.slice(0, 120)}"${hint}; ${expected}.`);
  }
  const [, pipelineName = '', , executionId = ''] = parts;
  if (!PIPELINE_NAME.test(pipelineName)) {
    throw new InvalidInput(`${field} has an invalid pipeline name; expected 1-256 letters, digits and hyphens.`);
  }
  if (!EXECUTION_ID.test(executionId)) {
    throw new InvalidInput(`${field} has an invalid execution id; expected 1-64 letters and digits.`);
  }
  return { partition: arn.partition, region: arn.region, accountId: arn.accountId, pipelineName, executionId };
}
