/**
 * Hostile input, property-based (fast-check): the stop input parser (directly
 * and through the Stop handler with SageMaker mocked), the SQS callback
 * message parser and the CLI flags. Whatever arrives, each answers with its
 * own named error and a short message saying what was expected, or with a
 * valid result; nothing else, and nothing reaches SageMaker.
 */
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ERROR_MESSAGE_LENGTH, MalformedCallbackMessage, parseCallbackMessage } from '#callback/callback-message.js';
import { InvalidInput } from '#commons/errors.js';
import { parseStopRequest } from '#graceful-stop/stop-request.js';
import { handler as stopHandler } from '#graceful-stop/stop-pipeline-execution.js';
import { UsageError } from '#cli/command-table.js';
import { parseCommandLine } from '#cli/args.js';
import {
  ONE_MIB,
  deeplyNested,
  hostileArgv,
  hostileBody,
  hostileJson,
  malformedMessageWithToken,
  oversizeString,
  stopArgv,
  validInput,
  validMessage,
  wrongMessageValue,
  wrongTypedInput,
  MESSAGE_KEYS,
} from '#test/support/arbitraries.js';
import { lambdaContext } from '#test/support/lambda-context.js';

/** The longest InvalidInput / UsageError message accepted as "clear". */
const MAX_MESSAGE_LENGTH = 500;
const DEFAULTS = { maxWaitSeconds: 900 };
const EXECUTION_ID = 'arn:aws:states:us-east-1:123456789012:execution:graceful-stop:hostile-input';
const COMMANDS = ['help', 'version', 'demo', 'simulate', 'stop', 'stop-all'];

const sagemaker = mockClient(SageMakerClient);

/** Hostile inputs tried, summed over every property (numRuns of each). */
let tried = 0;
async function holds<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void | Promise<void>, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => predicate(value)),
    { numRuns },
  );
  tried += numRuns;
}

type Attempt<T> = { value: T; error?: undefined } | { value?: undefined; error: unknown };

/** What `act` returned or threw: the caller asserts what it must be. */
async function attempt<T>(act: () => T | Promise<T>): Promise<Attempt<T>> {
  try {
    return { value: await act() };
  } catch (error) {
    return { error };
  }
}

/** The error `act` throws (or undefined). */
const thrownBy = async (act: () => unknown): Promise<unknown> => (await attempt(act)).error;

/** An InvalidInput whose message is short and says what was expected. */
function expectClearInvalidInput(error: unknown): void {
  expect(error).toBeInstanceOf(InvalidInput);
  const { name, message } = error as InvalidInput;
  expect(name).toBe('InvalidInput');
  expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  expect(message).toContain('expected');
}

afterAll(() => {
  console.log(`hostile inputs tried: ${tried}`);
});

describe('parseStopRequest', () => {
  it('answers arbitrary JSON with InvalidInput saying what was expected, never another error', async () => {
    await holds(
      hostileJson,
      async (raw) => {
        // Act
        const error = await thrownBy(() => parseStopRequest(raw, DEFAULTS));
        // Assess
        expectClearInvalidInput(error);
      },
      2_000,
    );
  });

  it('answers any JavaScript value (not only JSON) with InvalidInput', async () => {
    await holds(
      fc.anything({
        withBigInt: true,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withTypedArray: true,
        withSparseArray: true,
      }),
      async (raw) => {
        // Act
        const error = await thrownBy(() => parseStopRequest(raw, DEFAULTS));
        // Assess
        expectClearInvalidInput(error);
      },
      2_000,
    );
  });

  it('answers the right keys with wrong-typed or out-of-range values with InvalidInput', async () => {
    await holds(
      wrongTypedInput,
      async (raw) => {
        // Act
        const error = await thrownBy(() => parseStopRequest(raw, DEFAULTS));
        // Assess
        expectClearInvalidInput(error);
      },
      2_000,
    );
  });

  it('bounds its message for strings up to 1 MiB and nesting 1000 deep, in any field or an EventBridge envelope', async () => {
    const field = fc.constantFrom(
      'pipelineExecutionArn',
      'reason',
      'maxWaitSeconds',
      'failIfNotRunning',
      'releaseCallbacksAfterSeconds',
      'unknown',
    );
    const huge = fc.oneof(oversizeString, deeplyNested);
    await holds(
      fc.tuple(field, huge, fc.boolean()).map(([key, value, envelope]) => {
        const body = { pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/e1', [key]: value };
        return envelope ? { 'detail-type': 'Graceful Stop Requested', source: 'hostile', detail: body } : body;
      }),
      async (raw) => {
        // Act
        const error = await thrownBy(() => parseStopRequest(raw, DEFAULTS));
        // Assess
        expectClearInvalidInput(error);
      },
      200,
    );
  });

  it('parses every valid input, bare or in an EventBridge envelope, to the same request', async () => {
    await holds(
      fc.tuple(validInput, fc.boolean()),
      async ([input, envelope]) => {
        // Prepare
        const raw = envelope ? { version: '0', 'detail-type': 'Graceful Stop Requested', source: 'my.app', detail: input } : input;
        // Act
        const request = parseStopRequest(raw, DEFAULTS);
        // Assess
        expect(request).toMatchObject({
          pipelineExecutionArn: input.pipelineExecutionArn,
          maxWaitSeconds: input.maxWaitSeconds ?? DEFAULTS.maxWaitSeconds,
          failIfNotRunning: input.failIfNotRunning ?? false,
        });
        expect(request.reason).toBe(input.reason);
        expect(request.releaseCallbacksAfterSeconds).toBe(input.releaseCallbacksAfterSeconds);
        expect(input.pipelineExecutionArn).toContain(`:pipeline/${request.pipelineName}/execution/`);
      },
      2_000,
    );
  });
});

describe('the Stop handler (SageMaker mocked)', () => {
  beforeEach(() => {
    sagemaker.reset();
  });

  it('rejects hostile input with InvalidInput before any SageMaker call', async () => {
    await holds(
      fc.oneof(hostileJson, wrongTypedInput),
      async (raw) => {
        // Prepare
        sagemaker.reset();
        // Lambda passes JSON: what arrives is what survives a round trip (NaN becomes null, which is allowed).
        const event = JSON.parse(JSON.stringify({ raw, executionId: EXECUTION_ID, released: [] }));
        fc.pre((await attempt(() => parseStopRequest(event.raw, DEFAULTS))).error !== undefined);
        // Act
        const error = await thrownBy(() => stopHandler(event, lambdaContext()));
        // Assess
        expectClearInvalidInput(error);
        expect(sagemaker.calls()).toHaveLength(0);
      },
      500,
    );
  });
});

describe('parseCallbackMessage', () => {
  /** The error parseCallbackMessage throws for `body`, checked to be a bounded MalformedCallbackMessage. */
  async function malformedError(body: string, rejectUnknown = false): Promise<MalformedCallbackMessage | undefined> {
    const error = await thrownBy(() => parseCallbackMessage(body, rejectUnknown ? { unknownKeys: 'reject' } : {}));
    if (error === undefined) return undefined;
    expect(error).toBeInstanceOf(MalformedCallbackMessage);
    expect((error as Error).message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
    return error as MalformedCallbackMessage;
  }

  it('answers any body with a valid message or a bounded MalformedCallbackMessage', async () => {
    await holds(
      hostileBody,
      async (body) => {
        // Act
        const error = await malformedError(body);
        // Assess
        if (error === undefined) expect(Object.keys(parseCallbackMessage(body)).sort()).toEqual([...MESSAGE_KEYS].sort());
        if (body.length > ONE_MIB) expect(error?.field).toBe('body');
      },
      3_000,
    );
  });

  it('answers a message with one wrong-typed field with MalformedCallbackMessage naming that field', async () => {
    const wrongField = fc.constantFrom(...MESSAGE_KEYS).chain((key) => fc.tuple(fc.constant(key), wrongMessageValue(key), validMessage));
    await holds(
      wrongField,
      async ([key, value, message]) => {
        // Prepare
        const body = JSON.stringify({ ...message, [key]: value });
        // Act
        const error = await malformedError(body);
        // Assess
        expect(error?.field).toBe(body.length > ONE_MIB ? 'body' : key);
      },
      2_000,
    );
  });

  it('never puts the full token in its message, even when another field repeats it', async () => {
    await holds(
      malformedMessageWithToken,
      async ({ body, token, rejectUnknown }) => {
        // Act
        const error = await malformedError(JSON.stringify(body), rejectUnknown);
        // Assess
        expect(error).toBeDefined();
        expect(error?.message).not.toContain(token);
      },
      2_000,
    );
  });

  it('parses every valid message, extra keys ignored, to its four fields', async () => {
    await holds(
      fc.tuple(
        validMessage,
        fc.dictionary(
          fc
            .string({ maxLength: 10 })
            .filter((key) => !['token', 'pipelineexecutionarn', 'arguments', 'status'].includes(key.toLowerCase())),
          fc.jsonValue({ maxDepth: 1 }),
          { maxKeys: 3 },
        ),
      ),
      async ([message, extra]) => {
        // Act
        const parsed = parseCallbackMessage(JSON.stringify({ ...extra, ...message }));
        // Assess
        expect(parsed).toEqual(JSON.parse(JSON.stringify(message)));
      },
      1_000,
    );
  });
});

describe('parseCommandLine', () => {
  it('answers any argv with a command or a UsageError with a bounded message, never another error', async () => {
    await holds(
      hostileArgv,
      async (argv) => {
        // Act
        const { value: command, error } = await attempt(() => parseCommandLine(argv));
        // Assess
        if (error === undefined) {
          expect(COMMANDS).toContain(command?.name);
        } else {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as Error).message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
        }
      },
      3_000,
    );
  });

  it('gives stop only inputs that parseStopRequest accepts (the CLI runs that very parser)', async () => {
    await holds(
      fc.oneof(
        stopArgv,
        hostileArgv.map((argv) => ['stop', ...argv.slice(1)]),
      ),
      async (argv) => {
        // Act
        const { value: command, error } = await attempt(() => parseCommandLine(argv));
        // Assess
        if (error !== undefined) expect(error).toBeInstanceOf(UsageError);
        if (command?.name !== 'stop') return;
        // The CLI validates with the very parser the state machine uses: what it lets through, the state machine accepts.
        expect(() => parseStopRequest(command.input, { maxWaitSeconds: 86_400 })).not.toThrow();
      },
      2_000,
    );
  });
});
