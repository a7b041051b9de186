/**
 * fast-check generators of hostile and valid inputs for the input parser, the
 * SQS callback-message parser and the CLI flags.
 */
import fc from 'fast-check';
import { CONTROL_CHARACTER } from '#commons/validation.js';

/** SQS's largest body, and the largest oversize string tried. */
export const ONE_MIB = 1_048_576;

/** The graceful-stop input fields. */
export const INPUT_KEYS = ['pipelineExecutionArn', 'reason', 'maxWaitSeconds', 'failIfNotRunning', 'releaseCallbacksAfterSeconds'] as const;
/** The callback message fields. */
export const MESSAGE_KEYS = ['token', 'pipelineExecutionArn', 'arguments', 'status'] as const;

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');
const alnum = (min: number, max: number) =>
  fc.array(fc.constantFrom(...ALNUM), { minLength: min, maxLength: max }).map((chars) => chars.join(''));

/** A pipeline name: 1-256 letters/digits, hyphens between. */
const pipelineName = fc
  .array(fc.tuple(fc.constantFrom('', '-', '--'), alnum(1, 8)), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.map(([hyphens, text], index) => (index === 0 ? text : `${hyphens}${text}`)).join(''));

export const validExecutionArn = fc
  .record({
    place: fc.constantFrom(
      ['aws', 'us-east-1'],
      ['aws', 'eu-west-3'],
      ['aws', 'ap-southeast-2'],
      ['aws-us-gov', 'us-gov-west-1'],
      ['aws-cn', 'cn-north-1'],
    ),
    account: fc.stringMatching(/^\d{12}$/),
    name: pipelineName,
    id: alnum(1, 64),
  })
  .map(({ place, account, name, id }) => `arn:${place[0]}:sagemaker:${place[1]}:${account}:pipeline/${name}/execution/${id}`);

/** A reason the contract accepts: 1-256 characters of printable text, not only spaces. */
export const validReason = fc
  .string({ minLength: 1, maxLength: 256, unit: 'grapheme' })
  .map((text) => text.replace(new RegExp(CONTROL_CHARACTER.source, 'g'), ' ').slice(0, 256))
  .filter((text) => text.trim() !== '');

/** A callback token as SageMaker makes them: 10 letters and digits. */
export const validToken = alnum(10, 10);

/**
 * A string of 257 characters up to 1 MiB, cheap to build (a repeated short
 * pattern). Not shrunk: shrinking megabyte strings takes minutes.
 */
export const oversizeString = fc.noShrink(
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.integer({ min: 257, max: ONE_MIB }))
    .map(([pattern, length]) => pattern.repeat(Math.ceil(length / pattern.length)).slice(0, length)),
);

/** A value nested `depth` levels deep in arrays or objects (up to 1000). Not shrunk. */
export const deeplyNested = fc.noShrink(
  fc
    .tuple(fc.integer({ min: 1, max: 1000 }), fc.constantFrom('array', 'object', 'mixed'), fc.jsonValue({ maxDepth: 1 }))
    .map(([depth, kind, leaf]) => {
      let value: unknown = leaf;
      for (let level = 0; level < depth; level += 1) {
        const asArray = kind === 'array' || (kind === 'mixed' && level % 2 === 0);
        value = asArray ? [value] : { pipelineExecutionArn: value };
      }
      return value;
    }),
);

/** Keys that trip naive code: prototype names, case variants of real keys, empty and huge keys. */
export const trickyKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '',
    ' ',
    'PipelineExecutionArn',
    'Token',
    'STATUS',
    'detail',
  ),
  fc.string({ maxLength: 80 }),
  fc.noShrink(fc.integer({ min: 61, max: 5_000 }).map((length) => 'k'.repeat(length))),
);

/** Anything JSON can carry, including the nasty shapes above. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue() },
  { weight: 1, arbitrary: deeplyNested },
  { weight: 1, arbitrary: oversizeString },
  { weight: 1, arbitrary: fc.dictionary(trickyKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 }) },
);

/** A value of the wrong type for `key` of the stop input (or a right type with a wrong value). */
export function wrongInputValue(key: (typeof INPUT_KEYS)[number]): fc.Arbitrary<unknown> {
  const anyButString = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.jsonValue({ maxDepth: 1 })),
    fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })),
  );
  switch (key) {
    case 'pipelineExecutionArn':
      return fc.oneof(
        anyButString.filter((value) => value !== null),
        fc
          .string()
          .filter((text) => !/^arn:aws[a-z-]*:sagemaker:[^:]+:\d{12}:pipeline\/[A-Za-z0-9-]+\/execution\/[A-Za-z0-9]+$/.test(text)),
        oversizeString,
        validExecutionArn.map((arn) => arn.replace('/execution/', '/run/')),
        validExecutionArn.map((arn) => arn.replace(':sagemaker:', ':states:')),
        validExecutionArn.map((arn) => `${arn}/extra`),
      );
    case 'reason':
      return fc.oneof(
        anyButString.filter((value) => value !== null),
        fc.constantFrom('', '   ', '\n\t', 'release\x1b[2J', 'ok\noutcome Stopped', 'bell\x07'),
        fc.string({ minLength: 257, maxLength: 2_000 }),
        oversizeString,
      );
    case 'failIfNotRunning':
      return fc.oneof(
        fc.integer(),
        fc.string(),
        fc.constantFrom('true', 'false', 0, 1),
        fc.array(fc.boolean()),
        fc.dictionary(fc.string(), fc.boolean()),
      );
    case 'maxWaitSeconds':
    case 'releaseCallbacksAfterSeconds':
      return fc.oneof(
        fc.string(),
        fc.boolean(),
        fc.double({ noInteger: true }),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 86_401, 1e21, '60'),
        fc.integer({ max: -1 }),
        fc.integer({ min: 86_401 }),
        fc.array(fc.integer()),
      );
  }
}

/** A stop input whose keys are all known but at least one value is wrong. */
export const wrongTypedInput = fc
  .tuple(
    fc.constantFrom(...INPUT_KEYS),
    fc.record(
      {
        pipelineExecutionArn: validExecutionArn,
        reason: validReason,
        maxWaitSeconds: fc.integer({ min: 2, max: 86_400 }),
        failIfNotRunning: fc.boolean(),
      },
      { requiredKeys: ['pipelineExecutionArn'] },
    ),
  )
  .chain(([key, valid]) => wrongInputValue(key).map((wrong) => ({ ...valid, [key]: wrong })));

/** A valid stop input (what the contract accepts), and what parseStopRequest must make of it. */
export const validInput = fc
  .record(
    {
      pipelineExecutionArn: validExecutionArn,
      reason: validReason,
      maxWaitSeconds: fc.integer({ min: 1, max: 86_400 }),
      failIfNotRunning: fc.boolean(),
      grace: fc.option(fc.double({ min: 0, max: 0.999, noNaN: true }), { nil: undefined }),
    },
    { requiredKeys: ['pipelineExecutionArn'] },
  )
  .map(({ grace, ...input }): typeof input & { releaseCallbacksAfterSeconds?: number } => {
    const maxWait = input.maxWaitSeconds ?? 900;
    return grace === undefined ? input : { ...input, releaseCallbacksAfterSeconds: Math.floor(grace * maxWait) };
  });

/** A body SQS could carry: any string, JSON text of anything, or nearly-right messages. */
export const hostileBody: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json(),
  hostileJson.map((value) => JSON.stringify(value) ?? 'null'),
  oversizeString,
  fc.noShrink(fc.integer({ min: ONE_MIB - 2, max: ONE_MIB + 2 }).map((length) => `"${'x'.repeat(length - 2)}"`)),
);

/** A value of the wrong type (or a wrong value) for a callback message field. */
export function wrongMessageValue(key: (typeof MESSAGE_KEYS)[number]): fc.Arbitrary<unknown> {
  const notAString = fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string()),
    fc.dictionary(fc.string(), fc.string()),
  );
  switch (key) {
    case 'token':
      return fc.oneof(
        notAString,
        fc.string().filter((text) => !/^[A-Za-z0-9]{10}$/.test(text)),
        alnum(11, 40),
        alnum(0, 9),
      );
    case 'pipelineExecutionArn':
      return fc.oneof(
        notAString,
        fc.string({ maxLength: 100 }),
        oversizeString,
        validExecutionArn.map((arn) => arn.replace('/execution/', '/exec/')),
      );
    case 'arguments':
      return fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string(), fc.array(fc.jsonValue({ maxDepth: 1 })));
    case 'status':
      return fc.oneof(
        notAString,
        fc.string({ maxLength: 60 }).filter((text) => text !== 'Executing' && text !== 'Stopping'),
        fc.constantFrom('executing', 'STOPPING', 'Stopped', ' Stopping'),
      );
  }
}

/** A valid callback message, as SageMaker sends it. */
export const validMessage = fc.record({
  token: validToken,
  pipelineExecutionArn: validExecutionArn,
  arguments: fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
  status: fc.constantFrom('Executing' as const, 'Stopping' as const),
});

/** A message with a valid token whose other fields are wrong, and may repeat the token where an error message would echo them. */
export const malformedMessageWithToken = fc
  .tuple(validMessage, fc.constantFrom('pipelineExecutionArn', 'arguments', 'status', 'unknownKey', 'miscasedKey'), fc.boolean())
  .chain(([message, wrongKey, echoToken]) => {
    if (wrongKey === 'unknownKey')
      return fc.constant({ body: { ...message, [message.token]: 1 }, token: message.token, rejectUnknown: true });
    if (wrongKey === 'miscasedKey')
      return fc.constant({ body: { ...message, Status: message.token }, token: message.token, rejectUnknown: false });
    const wrong = echoToken ? fc.constant(wrongKey === 'arguments' ? message.token : `${message.token}`) : wrongMessageValue(wrongKey);
    return wrong.map((value) => ({ body: { ...message, [wrongKey]: value }, token: message.token, rejectUnknown: false }));
  });

/** Command-line words: the CLI's own vocabulary mixed with arbitrary text. */
const cliWord = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'stop',
      'demo',
      'simulate',
      'stop-all',
      'help',
      '--help',
      '-h',
      '--json',
      '--reason',
      '--max-wait',
      '--release-callbacks-after',
      '--fail-if-not-running',
      '--port',
      '--sqs-port',
      '--time-scale',
      '--scenario',
      '--older-than',
      '--max-concurrency',
      '--state-machine-arn',
      '--stack-name',
      '--',
      '-',
      '--=',
      '--reason=',
    ),
  },
  { weight: 2, arbitrary: validExecutionArn },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: -100_000, max: 100_000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('NaN', 'Infinity', '1e3', '0x10', '', ' ', '-1', '65536', '10001', '86401') },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('--reason=', '--max-wait=', '--port=', '--x='), fc.string({ maxLength: 40 }))
      .map(([flag, value]) => `${flag}${value}`),
  },
  { weight: 1, arbitrary: oversizeString.map((text) => `--${text.slice(0, 200_000)}`) },
  { weight: 1, arbitrary: oversizeString.map((text) => text.slice(0, 200_000)) },
);

/** `stop` with well-formed flags in any order and combination (so the flags' interplay gets exercised). */
export const stopArgv = fc
  .record(
    {
      arn: validExecutionArn,
      maxWait: fc.integer({ min: 1, max: 86_400 }),
      release: fc.integer({ min: 0, max: 86_400 }),
      reason: validReason,
      failIfNotRunning: fc.constant(true),
      json: fc.constant(true),
    },
    { requiredKeys: ['arn'] },
  )
  .chain(({ arn, maxWait, release, reason, failIfNotRunning, json }) => {
    const flags: string[][] = [];
    if (maxWait !== undefined) flags.push(['--max-wait', String(maxWait)]);
    if (release !== undefined) flags.push(['--release-callbacks-after', String(release)]);
    if (reason !== undefined) flags.push([`--reason=${reason}`]);
    if (failIfNotRunning) flags.push(['--fail-if-not-running']);
    if (json) flags.push(['--json']);
    return fc
      .shuffledSubarray(flags, { minLength: flags.length, maxLength: flags.length })
      .map((shuffled) => ['stop', arn, ...shuffled.flat()]);
  });

/** An argv (without node and the script): a command word then anything. */
export const hostileArgv = fc.oneof(
  fc.array(fc.string({ maxLength: 30 }), { maxLength: 8 }),
  fc
    .tuple(fc.constantFrom('stop', 'demo', 'simulate', 'stop-all'), fc.array(cliWord, { maxLength: 10 }))
    .map(([command, rest]) => [command, ...rest]),
  fc.array(cliWord, { maxLength: 12 }),
);
