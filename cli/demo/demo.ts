import {
  CreatePipelineCommand,
  ListPipelineExecutionStepsCommand,
  SageMakerClient,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  DescribePipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { startCallbackPoller, type SqsBatchHandler } from '#local/event-source/sqs-event-source.js';
import { applyFunctionEnvironment, loadBundles } from '#local/engine/load-handlers.js';
import { prepareGracefulStopMachine, runGracefulStopLocally } from '#cli/stop-local.js';
import { humanResult } from '#cli/stop-view.js';
import { jsonResult, type StopRunOutcome } from '#cli/outcome.js';
import { createQueueWithDeadLetterQueue } from '#local/sqs/emulator.js';
import { startLocalCloud } from '#local/cloud.js';
import { useLocalEndpoints } from '#local/emulators.js';
import { demoPipelineDefinition } from './pipeline.js';
import { DEMO_SCENARIOS, type DemoScenario } from './scenarios.js';
import { NamedError } from '#commons/errors.js';
import { waitFor } from '#local/bounded.js';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';

export class UnknownScenario extends NamedError {
  constructor(name: string) {
    super('UnknownScenario', `Unknown demo scenario "${name.slice(0, 60)}"; expected one of ${Object.keys(DEMO_SCENARIOS).join(', ')}.`);
  }
}

export interface DemoOptions {
  scenario?: string;
  json?: boolean;
  /** The story, line by line (default: stderr). */
  out?: (line: string) => void;
  /** The result: the human outcome or, with `json`, the output document (default: stdout). */
  result?: (text: string) => void;
}

export interface DemoResult {
  scenario: string;
  outcome: StopRunOutcome;
  asExpected: boolean;
  wallSeconds: number;
}

/** Until `ready()` holds, bounded (local/bounded.ts). */
const waitUntil = (what: string, ready: () => Promise<boolean>): Promise<boolean> => waitFor(what, ready, (ok) => ok, { intervalMs: 100 });

async function loadConsumer(): Promise<SqsBatchHandler> {
  const { consumer } = await loadBundles({ consumer: 'callback-consumer' });
  return consumer as SqsBatchHandler;
}

/**
 * The whole story on the local cloud: simulator + SQS emulator start, a
 * pipeline with a callback step and a Lambda step runs, and the graceful
 * stop drains it on the embedded engine with the built handler bundles.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const scenario: DemoScenario | undefined = DEMO_SCENARIOS[options.scenario ?? 'callback-and-lambda'];
  if (!scenario) throw new UnknownScenario(options.scenario ?? '');
  const started = Date.now();
  // The story is progress (stderr); the result alone goes to `result` (stdout).
  const write = options.out ?? ((line: string) => process.stderr.write(`${line}\n`));
  const result_ = options.result ?? ((text: string) => process.stdout.write(`${text}\n`));
  const say = (text: string) => write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${text}`);

  say(`scenario ${scenario.name}: ${scenario.title}`);
  const emulators = await startLocalCloud({ parts: 'emulators' });
  useLocalEndpoints(emulators.endpoints);
  // The demo narrates every poll: Check hands back to Wait For Drain after each one instead of watching
  // inside the Lambda (the deployed default), so each status change appears as it happens.
  applyFunctionEnvironment({ WATCH_SECONDS: '0' });
  say(`SageMaker simulator on ${emulators.endpoints.sagemakerEndpoint}, SQS emulator on ${emulators.endpoints.sqsEndpoint}`);
  const sagemaker = new SageMakerClient({
    ...BOUNDED_CLIENT_OPTIONS,
    endpoint: emulators.endpoints.sagemakerEndpoint,
    region: 'us-east-1',
  });
  let poller: ReturnType<typeof startCallbackPoller> | undefined;
  try {
    const { queueUrl } = await createQueueWithDeadLetterQueue(emulators.endpoints.sqsEndpoint, 'demo-callbacks', {
      maxReceiveCount: 3,
      visibilityTimeoutSeconds: 5,
    });
    const { PipelineArn } = await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: 'demo-training',
        RoleArn: 'arn:aws:iam::123456789012:role/demo-pipeline-role',
        PipelineDefinition: demoPipelineDefinition({
          callbackQueueUrl: queueUrl,
          lambdaDurationSeconds: scenario.lambdaDurationSeconds,
          lambdaTimeoutSeconds: scenario.lambdaTimeoutSeconds,
        }),
      }),
    );
    say(`pipeline created: ${PipelineArn} (Preprocess → WaitForApproval [Callback] + Evaluate [Lambda] → Register)`);
    // Load the bundles and validate the ASL before the run starts: on a busy machine that takes seconds,
    // and the stop must still land while the steps are running.
    const machine = await prepareGracefulStopMachine();
    const consumer = await loadConsumer();
    const { PipelineExecutionArn: arn } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: 'demo-training' }));
    if (!arn) throw new Error('StartPipelineExecution returned no ARN.');
    say(`execution started: ${arn}`);

    poller = startCallbackPoller({
      sqsEndpoint: emulators.endpoints.sqsEndpoint,
      queueUrl,
      waitTimeSeconds: 1,
      handler: async (event, context) => {
        for (const record of event.Records) {
          const status = (() => {
            try {
              return (JSON.parse(record.body) as { status?: string }).status;
            } catch {
              return 'malformed';
            }
          })();
          if (status === 'Stopping' && !scenario.consumerAnswersStopping) {
            say('callback consumer received "Stopping" and ignores it (like most consumers do)');
            return { batchItemFailures: [] };
          }
          say(
            `callback consumer received the "${status}" message${status === 'Stopping' ? ': cleaning up and acknowledging the stop' : ': the approval job runs elsewhere'}`,
          );
        }
        if (!scenario.consumerAnswersStopping) return { batchItemFailures: [] };
        return consumer(event, context);
      },
    });

    await waitUntil('the callback and Lambda steps to run', async () => {
      const { PipelineExecutionSteps = [] } = await sagemaker.send(
        new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn, MaxResults: 100 }),
      );
      const running = PipelineExecutionSteps.filter((step) => step.StepStatus === 'Executing').map((step) => step.StepName);
      return running.includes('WaitForApproval') && running.includes('Evaluate');
    });
    say('steps running: WaitForApproval (Callback, waiting for its consumer), Evaluate (Lambda, cannot be interrupted)');

    if (scenario.stopFirst) {
      await sagemaker.send(
        new StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: 'someone-else-stopped-this-run-0001' }),
      );
      say('someone else stops the run first');
      await waitUntil('the run to be Stopped', async () => {
        const execution = await sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
        return execution.PipelineExecutionStatus === 'Stopped';
      });
      say('the run is Stopped');
    }

    say(`graceful stop started: ${JSON.stringify({ pipelineExecutionArn: '…', ...scenario.input })}`);
    const result = await runGracefulStopLocally(
      { pipelineExecutionArn: arn, ...scenario.input },
      {
        progress: {
          isTTY: false,
          write: (text: string) =>
            text
              .trimEnd()
              .split('\n')
              .forEach((line) => say(line)),
        },
      },
      machine,
    );
    const outcome: StopRunOutcome = result;
    const asExpected = scenario.expect.error
      ? result.error === scenario.expect.error
      : (result.output as { outcome?: string } | undefined)?.outcome === scenario.expect.outcome;
    say(
      `graceful stop ended after ${((result.stoppedAt - result.startedAt) / 1000).toFixed(1)}s, ${result.stateTransitions} state transitions, ${result.lambdaInvocations} Lambda invocations:`,
    );
    result_(options.json ? jsonResult(outcome) : humanResult(outcome));
    say(asExpected ? 'as expected for this scenario' : `NOT as expected: wanted ${JSON.stringify(scenario.expect)}`);
    return { scenario: scenario.name, outcome, asExpected, wallSeconds: (Date.now() - started) / 1000 };
  } finally {
    await poller?.stop();
    sagemaker.destroy();
    await emulators.close();
  }
}
