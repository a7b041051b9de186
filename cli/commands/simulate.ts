/** `graceful-stop simulate`: the SageMaker simulator and SQS emulator on 127.0.0.1 until Ctrl-C. */
import type { Command } from '#cli/args.js';
import { UsageError } from '#cli/args.js';
import { io } from '#cli/io.js';

export type SimulateOptions = Extract<Command, { name: 'simulate' }>;

/** A port taken by another process names the flag that chose it. */
function portInUse(error: unknown, options: SimulateOptions): UsageError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'EADDRINUSE') return undefined;
  const port = Number((error as { port?: unknown }).port);
  const flag = port === options.sqsPort && options.sqsPort !== 0 ? '--sqs-port' : '--port';
  return new UsageError(`${flag} ${port} is in use on 127.0.0.1 by another process; expected a free port, or 0 for any.`, 'simulate', error);
}

export async function simulate(options: SimulateOptions): Promise<number> {
  const [{ startLocalStack }, { describeSeedRun, startSeedRun }, { EXIT }] = await Promise.all([
    import('#local/stack.js'),
    import('#cli/seed-runs.js'),
    import('#cli/outcome.js'),
  ]);
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  try {
    stack = await startLocalStack({ port: options.port, sqsPort: options.sqsPort, timeScale: options.timeScale });
  } catch (error) {
    throw portInUse(error, options) ?? error;
  }
  const { sagemakerEndpoint, sqsEndpoint } = stack.endpoints;
  const arn = options.withRun !== undefined ? await startSeedRun(stack.endpoints, options.withRun) : undefined;
  // Paste-able: eval "$(graceful-stop simulate ...)" works too, and the CLI and the AWS CLI then talk to the simulator.
  const lines = [
    `export AWS_ENDPOINT_URL_SAGEMAKER=${sagemakerEndpoint}`,
    `export AWS_ENDPOINT_URL_SQS=${sqsEndpoint}`,
    // The emulator serves S3 too: stop-all's fleet ledgers, readable with `aws s3`.
    `export AWS_ENDPOINT_URL_S3=${sqsEndpoint}`,
    'export AWS_REGION=us-east-1',
    'export AWS_DEFAULT_REGION=us-east-1',
    'export AWS_ACCESS_KEY_ID=local',
    'export AWS_SECRET_ACCESS_KEY=local',
    ...(arn ? [`export PIPELINE_EXECUTION_ARN=${arn}`] : []),
  ];
  io.out(`${lines.join('\n')}\n`);
  io.err(
    `SageMaker simulator on ${sagemakerEndpoint}, SQS emulator on ${sqsEndpoint} (time scale ${options.timeScale})` +
      `${arn && options.withRun ? `\nstarted ${describeSeedRun(options.withRun, options.timeScale)}:\n  ${arn}` : ''}\npaste the export lines above in another terminal; Ctrl-C ends the simulator\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stack.close();
  return EXIT.success;
}
