/**
 * List prices used for the cost estimate (us-east-1 list prices of Step
 * Functions Standard and Lambda arm64; free tiers ignored).
 */
export const PRICES = {
  source: 'us-east-1 list prices (Step Functions Standard, Lambda arm64); free tiers ignored',
  stepFunctionsPerTransition: 0.025 / 1000,
  lambdaPerGbSecondArm64: 0.0000133334,
  lambdaPerRequest: 0.2 / 1_000_000,
} as const;

/** Memory of every function (template Globals MemorySize). */
export const LAMBDA_MEMORY_GB = 256 / 1024;

export interface CostInputs {
  stateTransitions: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
}

export function estimatedDollars(inputs: CostInputs): number {
  return (
    inputs.stateTransitions * PRICES.stepFunctionsPerTransition +
    inputs.lambdaInvocations * PRICES.lambdaPerRequest +
    inputs.lambdaGbSeconds * PRICES.lambdaPerGbSecondArm64
  );
}
