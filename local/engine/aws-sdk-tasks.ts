/**
 * `arn:aws:states:::aws-sdk:sagemaker:<operation>` tasks off AWS: the SageMaker client of the SDK,
 * pointed at the simulator, calls the operation with the task's parameters (PascalCase, as the
 * AWS SDK integrations take them) and answers with its response. What a parent workflow that starts
 * pipeline runs itself (startPipelineExecution) needs on the embedded engine.
 */
import * as sagemakerSdk from '@aws-sdk/client-sagemaker';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { NamedError } from '#commons/errors.js';
import type { RunnerOptions } from './runner.js';

type ResourceHandler = NonNullable<RunnerOptions['resourceHandlers']>[string];
type CommandClass = new (input: unknown) => Parameters<sagemakerSdk.SageMakerClient['send']>[0];

export class UnknownSdkOperation extends NamedError {
  constructor(operation: string) {
    super(
      'States.Runtime',
      `aws-sdk:sagemaker has no operation ${operation.slice(0, 80)}; expected one the SageMaker API has (e.g. startPipelineExecution).`,
    );
  }
}

/** `resourceHandlers` for the given `aws-sdk:sagemaker` operations (camelCase, as in the Resource ARN). */
export function sagemakerSdkTasks(
  operations: readonly string[],
  client = new sagemakerSdk.SageMakerClient({ ...BOUNDED_CLIENT_OPTIONS }),
): Record<string, ResourceHandler> {
  return Object.fromEntries(
    operations.map((operation) => {
      const command = (sagemakerSdk as unknown as Record<string, CommandClass | undefined>)[
        `${operation.charAt(0).toUpperCase()}${operation.slice(1)}Command`
      ];
      if (!command) throw new UnknownSdkOperation(operation);
      const handler: ResourceHandler = async (input) => {
        const { $metadata: _metadata, ...response } = (await client.send(new command(input))) as { $metadata?: unknown };
        return response;
      };
      return [`arn:aws:states:::aws-sdk:sagemaker:${operation}`, handler];
    }),
  );
}
