/** Small SDK loops shared by the conformance tests (bounded, through local/bounded.ts). */
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  type PipelineExecutionStatus,
  type PipelineExecutionStep,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { waitFor } from '#local/bounded.js';

export async function executionStatus(client: SageMakerClient, arn: string): Promise<PipelineExecutionStatus | undefined> {
  const { PipelineExecutionStatus } = await client.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
  return PipelineExecutionStatus;
}

export function waitForExecutionStatus(client: SageMakerClient, arn: string, status: PipelineExecutionStatus, timeoutMs?: number) {
  return waitFor(
    `execution status ${status}`,
    () => client.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn })),
    (d) => d.PipelineExecutionStatus === status,
    { ...(timeoutMs === undefined ? {} : { timeoutMs }), intervalMs: 10 },
  );
}

/** Reads every page of ListPipelineExecutionSteps. */
export async function listAllSteps(
  client: SageMakerClient,
  arn: string,
  options: { maxResults?: number; sortOrder?: 'Ascending' | 'Descending' } = {},
): Promise<{ steps: PipelineExecutionStep[]; pages: number }> {
  const steps: PipelineExecutionStep[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await client.send(
      new ListPipelineExecutionStepsCommand({
        PipelineExecutionArn: arn,
        NextToken: nextToken,
        MaxResults: options.maxResults,
        SortOrder: options.sortOrder,
      }),
    );
    pages += 1;
    steps.push(...(page.PipelineExecutionSteps ?? []));
    nextToken = page.NextToken;
  } while (nextToken !== undefined && pages < 1_000);
  return { steps, pages };
}

export async function stepNamed(client: SageMakerClient, arn: string, name: string): Promise<PipelineExecutionStep | undefined> {
  const { steps } = await listAllSteps(client, arn, { maxResults: 100 });
  return steps.find((s) => s.StepName === name);
}

export function waitForStepStatus(client: SageMakerClient, arn: string, name: string, status: string, timeoutMs?: number) {
  return waitFor(
    `step ${name} ${status}`,
    () => stepNamed(client, arn, name),
    (s) => s?.StepStatus === status,
    { ...(timeoutMs === undefined ? {} : { timeoutMs }), intervalMs: 10 },
  );
}

/** Receives (and deletes nothing) until `count` message bodies arrived or the deadline passed. */
export async function receiveBodies(sqs: SQSClient, queueUrl: string, count: number, timeoutMs = 5_000): Promise<unknown[]> {
  const bodies: unknown[] = [];
  const deadline = Date.now() + timeoutMs;
  while (bodies.length < count && Date.now() < deadline) {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    for (const message of Messages ?? []) bodies.push(JSON.parse(message.Body ?? 'null'));
  }
  return bodies;
}
