import { readTemplate } from '#local/template.js';

/**
 * List prices used for the cost estimate (us-east-1 list prices of Step
 * Functions Standard and Lambda arm64; free tiers ignored).
 */
export const PRICES = {
  source: 'us-east-1 list prices (Step Functions Standard, Lambda arm64, S3 Standard requests); free tiers ignored',
  stepFunctionsPerTransition: 0.025 / 1000,
  lambdaPerGbSecondArm64: 0.0000133334,
  lambdaPerRequest: 0.2 / 1_000_000,
  /** S3 Standard: GET $0.0004, PUT and LIST $0.005 per 1,000 requests; DELETE free. */
  s3PerGet: 0.0004 / 1000,
  s3PerPutOrList: 0.005 / 1000,
} as const;

/** Each function's memory in GB, as template.yaml deploys it (its own MemorySize, else the Globals'). */
const template = readTemplate();
export function memoryGbOf(logicalId: string): number {
  const megabytes = template.Resources[logicalId]?.Properties?.MemorySize ?? template.Globals?.Function?.MemorySize;
  if (typeof megabytes !== 'number') throw new Error(`template.yaml gives ${logicalId} no MemorySize (nor Globals).`);
  return megabytes / 1024;
}

export interface CostInputs {
  stateTransitions: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  /** S3 requests by kind (GET, PUT, LIST, DELETE): the stop records and end-record looks. */
  s3Requests?: Record<string, number>;
}

export function estimatedDollars(inputs: CostInputs): number {
  const s3 = inputs.s3Requests ?? {};
  return (
    inputs.stateTransitions * PRICES.stepFunctionsPerTransition +
    inputs.lambdaInvocations * PRICES.lambdaPerRequest +
    inputs.lambdaGbSeconds * PRICES.lambdaPerGbSecondArm64 +
    (s3.GET ?? 0) * PRICES.s3PerGet +
    ((s3.PUT ?? 0) + (s3.LIST ?? 0)) * PRICES.s3PerPutOrList
  );
}
