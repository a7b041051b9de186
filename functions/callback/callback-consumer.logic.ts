/**
 * The reference callback-step consumer: one SQS record at a time, built on
 * callback-message.ts. `Stopping` → cleanup hook, then acknowledgeStop;
 * `Executing` → the configured job hook; a malformed body fails the record
 * (SQS redelivers it and, after the redrive count, moves it to the DLQ).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { MalformedCallbackMessage, isStopping, parseCallbackMessage, redactToken, type CallbackMessage } from './callback-message.js';
import { acknowledgeStop, succeedCallbackStep, type AcknowledgeResult, type CallbackLogger, type CleanupHook } from './callback-answers.js';
import { ConfigurationError } from '#commons/errors.js';
import { maskToken } from '#commons/tokens.js';

export const EXECUTING_ACTIONS = ['ignore', 'succeed'] as const;
/** `ignore`: the step's work runs elsewhere, just consume. `succeed`: answer SendPipelineExecutionStepSuccess at once. */
export type ExecutingAction = (typeof EXECUTING_ACTIONS)[number];

export interface ConsumerConfig {
  executingAction: ExecutingAction;
}

export type ConsumerLogger = CallbackLogger & { error(message: string, ...extra: unknown[]): void };

/** What one record came to (the BatchProcessor keeps it; the logs say it). */
export type RecordOutcome = 'StopAcknowledged' | 'StopAlreadyClosed' | 'ExecutingIgnored' | 'ExecutingSucceeded' | 'ExecutingAlreadyClosed';

/** Reads EXECUTING_ACTION (`ignore` when unset or empty). */
export function readConsumerConfig(env: NodeJS.ProcessEnv = process.env): ConsumerConfig {
  const raw = (env.EXECUTING_ACTION ?? '').trim();
  if (raw === '') return { executingAction: 'ignore' };
  if (!(EXECUTING_ACTIONS as readonly string[]).includes(raw)) {
    throw new ConfigurationError(
      `Environment variable EXECUTING_ACTION is "${raw.slice(0, 40)}"; expected ${EXECUTING_ACTIONS.join(' or ')} (or unset for ignore).`,
    );
  }
  return { executingAction: raw as ExecutingAction };
}

/**
 * Remembers the answers this process already gave, by token: a duplicate
 * delivery (in the same batch or a later one in a warm container) shares the
 * first answer instead of running the cleanup hook and calling SageMaker
 * again. A failed answer is forgotten, so the redelivery retries it. Bounded
 * (oldest first out). Across processes the deterministic ClientRequestToken
 * and SageMaker's closed-token answer make a second call a no-op.
 */
export interface AcknowledgementLedger {
  /** Runs `answer` unless the key has an answer (in flight or done); `duplicate` says which. */
  run(key: string, answer: () => Promise<AcknowledgeResult>): { result: Promise<AcknowledgeResult>; duplicate: boolean };
  readonly size: number;
}

export function createAcknowledgementLedger(capacity = 1_000): AcknowledgementLedger {
  const answers = new Map<string, Promise<AcknowledgeResult>>();
  return {
    run(key, answer) {
      const known = answers.get(key);
      if (known) return { result: known, duplicate: true };
      const result = answer();
      answers.set(key, result);
      result.catch(() => {
        if (answers.get(key) === result) answers.delete(key);
      });
      while (answers.size > capacity) {
        const oldest = answers.keys().next().value;
        if (oldest === undefined) break;
        answers.delete(oldest);
      }
      return { result, duplicate: false };
    },
    get size() {
      return answers.size;
    },
  };
}

export interface ConsumerDependencies {
  sagemaker: SageMakerClient;
  config: ConsumerConfig;
  logger: ConsumerLogger;
  ledger: AcknowledgementLedger;
  /** Runs before a stop is acknowledged; defaults to a logged no-op. */
  cleanup?: CleanupHook;
  /** FailureReason suffix for acknowledged stops. */
  reason?: string;
}

/** The reference consumer's cleanup: nothing to release, but say so. */
export function noopCleanup(logger: CallbackLogger): CleanupHook {
  return (message) => {
    logger.info('Cleanup hook: the reference consumer holds nothing to release (no-op)', {
      callbackToken: maskToken(message.token),
      pipelineExecutionArn: message.pipelineExecutionArn,
    });
  };
}

function describeError(error: unknown, token?: string): { name: string; message: string } {
  const name = error instanceof Error ? error.name : typeof error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = (token ? redactToken(raw, token) : raw).slice(0, 400);
  return { name, message };
}

async function answerOnce(
  key: string,
  answer: () => Promise<AcknowledgeResult>,
  deps: ConsumerDependencies,
  fields: Record<string, unknown>,
): Promise<AcknowledgeResult> {
  const { result, duplicate } = deps.ledger.run(key, answer);
  if (duplicate) deps.logger.info('Duplicate delivery: this token was already answered here; sharing that answer', fields);
  return result;
}

async function handleMessage(
  message: CallbackMessage,
  deps: ConsumerDependencies,
  fields: Record<string, unknown>,
): Promise<RecordOutcome> {
  if (isStopping(message)) {
    const cleanup = deps.cleanup ?? noopCleanup(deps.logger);
    const result = await answerOnce(
      `stop:${message.token}`,
      () =>
        acknowledgeStop(message, {
          sagemaker: deps.sagemaker,
          cleanup,
          logger: deps.logger,
          ...(deps.reason ? { reason: deps.reason } : {}),
        }),
      deps,
      fields,
    );
    deps.logger.info(result === 'Acknowledged' ? 'Stop acknowledged' : 'Stop already acknowledged (token closed)', fields);
    return result === 'Acknowledged' ? 'StopAcknowledged' : 'StopAlreadyClosed';
  }
  if (deps.config.executingAction === 'ignore') {
    deps.logger.info("Executing message consumed; the step's work runs elsewhere", fields);
    return 'ExecutingIgnored';
  }
  const result = await answerOnce(
    `success:${message.token}`,
    () => succeedCallbackStep(message, { sagemaker: deps.sagemaker, logger: deps.logger }),
    deps,
    fields,
  );
  deps.logger.info(result === 'Acknowledged' ? 'Step succeeded' : 'Step already closed', fields);
  return result === 'Acknowledged' ? 'ExecutingSucceeded' : 'ExecutingAlreadyClosed';
}

/**
 * Processes one SQS record. Throws (so the BatchProcessor reports it in
 * batchItemFailures) when the body is malformed, the cleanup hook fails or
 * SageMaker fails for a reason other than a closed token. Logs never carry
 * the body, the arguments or a full token.
 */
export async function processCallbackRecord(record: SQSRecord, deps: ConsumerDependencies): Promise<RecordOutcome> {
  const base = { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount };
  let message: CallbackMessage;
  try {
    message = parseCallbackMessage(record.body);
  } catch (error) {
    if (error instanceof MalformedCallbackMessage) {
      deps.logger.warn('Malformed callback message: left for redelivery, then the dead-letter queue', {
        ...base,
        field: error.field,
        reason: error.message,
        bodyLength: record.body.length,
      });
    }
    throw error;
  }
  const fields = {
    ...base,
    callbackToken: maskToken(message.token),
    pipelineExecutionArn: message.pipelineExecutionArn,
    status: message.status,
  };
  try {
    return await handleMessage(message, deps, fields);
  } catch (error) {
    deps.logger.error('Callback message not processed: left for redelivery', { ...fields, error: describeError(error, message.token) });
    throw error;
  }
}

/**
 * Processes a batch with Powertools' BatchProcessor: records that throw are
 * listed in batchItemFailures, the others are deleted by the event source.
 * A batch where every record failed is returned as such (not thrown), which
 * SQS treats the same way.
 */
export async function processCallbackBatch(event: SQSEvent, deps: ConsumerDependencies, context?: Context): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  const response = await processPartialResponse(event, (record: SQSRecord) => processCallbackRecord(record, deps), processor, {
    ...(context ? { context } : {}),
    throwOnFullBatchFailure: false,
  });
  deps.logger.info('Callback batch processed', {
    records: event.Records.length,
    failed: response.batchItemFailures.length,
  });
  return response;
}
