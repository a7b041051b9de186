import { SageMakerClient } from '@aws-sdk/client-sagemaker';

/**
 * One SageMaker client per function, created at module scope. Adaptive retry
 * mode rate-limits the client itself after throttling, so many stops polling
 * at once back off instead of hammering the API; the ASL Retry is the outer,
 * bounded layer.
 */
export function createSageMakerClient(): SageMakerClient {
  return new SageMakerClient({ retryMode: 'adaptive', maxAttempts: 5 });
}
