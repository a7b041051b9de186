import { CreatePipelineCommand, SageMakerClient, StartPipelineExecutionCommand } from '@aws-sdk/client-sagemaker';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { NamedError } from '#commons/errors.js';
import { createQueue } from '#local/sqs/queues.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '#local/account.js';

const QUEUE_URL_PLACEHOLDER = '<the walkthrough queue>';

/** Runs `simulate --with-run NAME` can start in the simulator, for the local walkthrough. */
export const SEED_RUNS = {
  training: {
    title: 'a training step that takes {20} to stop (it saves a checkpoint)',
    steps: [{ Name: 'Train', Type: 'Training', Arguments: {}, Simulation: { DurationSeconds: 3_600, StopDurationSeconds: 20 } }],
  },
  'long-drain': {
    title: 'a training step that takes {120} to stop (a long checkpoint)',
    steps: [{ Name: 'Train', Type: 'Training', Arguments: {}, Simulation: { DurationSeconds: 36_000, StopDurationSeconds: 120 } }],
  },
  lambda: {
    title: 'a Lambda step that cannot be interrupted and runs for another {30}',
    steps: [
      {
        Name: 'Evaluate',
        Type: 'Lambda',
        FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:evaluate',
        Arguments: {},
        Simulation: { DurationSeconds: 30 },
      },
    ],
  },
  callback: {
    title: 'a callback step whose consumer never answers "Stopping" (use --release-callbacks-after)',
    steps: [
      {
        Name: 'WaitForApproval',
        Type: 'Callback',
        Arguments: {},
        SqsQueueUrl: QUEUE_URL_PLACEHOLDER,
        OutputParameters: [{ OutputName: 'approved', OutputType: 'Boolean' }],
      },
    ],
  },
} as const;

export type SeedRunName = keyof typeof SEED_RUNS;

/**
 * A seed run's title with its durations as the user will live them: `{30}` is 30 simulated seconds,
 * which at a time scale K last 30 / K seconds of real time.
 */
export function describeSeedRun(name: SeedRunName, timeScale = 1): string {
  return SEED_RUNS[name].title.replace(/\{(\d+)\}/g, (_match, seconds: string) => {
    const simulated = Number(seconds);
    if (timeScale === 1) return `${simulated} s`;
    const real = Math.round((simulated / timeScale) * 10) / 10;
    return `${simulated} simulated s (${real} s of real time at time scale ${timeScale})`;
  });
}

export class UnknownSeedRun extends NamedError {
  constructor(name: string) {
    super('UnknownSeedRun', `Unknown run "${name.slice(0, 60)}" for --with-run; expected one of ${Object.keys(SEED_RUNS).join(', ')}.`);
  }
}

export function isSeedRunName(name: string): name is SeedRunName {
  return Object.hasOwn(SEED_RUNS, name);
}

/** Creates the pipeline `walkthrough-<name>` in the simulator and starts one execution of it; returns its ARN. */
export async function startSeedRun(endpoints: { sagemakerEndpoint: string; sqsEndpoint: string }, name: SeedRunName): Promise<string> {
  const [arn] = await startSeedRuns(endpoints, name, 1);
  return arn as string;
}

/**
 * Creates the pipeline `walkthrough-<name>` in the simulator and starts `count` executions of it, one
 * after another (the simulator's quota of running executions applies); returns their ARNs.
 */
export async function startSeedRuns(
  endpoints: { sagemakerEndpoint: string; sqsEndpoint: string },
  name: SeedRunName,
  count: number,
): Promise<string[]> {
  // A callback step's messages go to a queue of the local SQS emulator that nobody reads.
  const queueUrl = await createQueue(endpoints.sqsEndpoint, 'walkthrough-callbacks');
  const steps = SEED_RUNS[name].steps.map((step) => ('SqsQueueUrl' in step ? { ...step, SqsQueueUrl: queueUrl } : step));
  const sagemaker = new SageMakerClient({
    ...BOUNDED_CLIENT_OPTIONS,
    endpoint: endpoints.sagemakerEndpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const pipelineName = `walkthrough-${name}`;
    await sagemaker.send(
      new CreatePipelineCommand({
        PipelineName: pipelineName,
        RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/walkthrough`,
        PipelineDefinition: JSON.stringify({ Version: '2020-12-01', Metadata: {}, Parameters: [], Steps: steps }),
      }),
    );
    const arns: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const { PipelineExecutionArn } = await sagemaker.send(new StartPipelineExecutionCommand({ PipelineName: pipelineName }));
      if (!PipelineExecutionArn) throw new Error(`StartPipelineExecution of ${pipelineName} returned no ARN.`);
      arns.push(PipelineExecutionArn);
    }
    return arns;
  } finally {
    sagemaker.destroy();
  }
}
