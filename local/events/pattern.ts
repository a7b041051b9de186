/**
 * EventBridge event patterns, matched off AWS the way EventBridge matches them, so the rules of
 * template.yaml route the simulator's and the engine's events locally as they would on AWS. The
 * operators: literal values (a list is any of them; a missing field matches none, null only null),
 * `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (values or a prefix), `exists`,
 * `numeric` (comparisons), `wildcard` (`*`), and `$or`. Any other operator is an error, named.
 */
import { NamedError } from '#commons/errors.js';
import { matchesGlob } from '#commons/glob.js';

export class UnsupportedEventPattern extends NamedError {
  constructor(message: string) {
    super('UnsupportedEventPattern', message);
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Matcher = Record<string, Json>;

const isObject = (value: unknown): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

function numericMatches(conditions: Json[], value: unknown): boolean {
  if (typeof value !== 'number') return false;
  for (let index = 0; index < conditions.length; index += 2) {
    const operator = conditions[index];
    const bound = conditions[index + 1];
    if (typeof bound !== 'number') throw new UnsupportedEventPattern(`numeric needs a number after "${String(operator)}".`);
    const holds = { '<': value < bound, '<=': value <= bound, '=': value === bound, '>': value > bound, '>=': value >= bound }[
      String(operator)
    ];
    if (holds === undefined) throw new UnsupportedEventPattern(`numeric operator "${String(operator)}"; expected <, <=, =, > or >=.`);
    if (!holds) return false;
  }
  return true;
}

/** One element of a pattern's value list against one value of the event (never an array). */
function valueMatches(expected: Json, value: unknown, present: boolean): boolean {
  // A literal matches an equal value; a field that is missing matches no literal, not even null.
  if (!isObject(expected)) return present && value === expected;
  const [operator, ...others] = Object.keys(expected);
  if (!operator || others.length > 0)
    throw new UnsupportedEventPattern(`A matcher has ${Object.keys(expected).length} operators; expected exactly one.`);
  const argument = expected[operator] as Json;
  switch (operator) {
    case 'exists':
      return argument === present;
    case 'prefix':
      return present && typeof value === 'string' && typeof argument === 'string' && value.startsWith(argument);
    case 'suffix':
      return present && typeof value === 'string' && typeof argument === 'string' && value.endsWith(argument);
    case 'equals-ignore-case':
      return present && typeof value === 'string' && typeof argument === 'string' && value.toLowerCase() === argument.toLowerCase();
    case 'wildcard':
      return present && typeof value === 'string' && typeof argument === 'string' && matchesGlob(argument, value);
    case 'numeric':
      return present && Array.isArray(argument) && numericMatches(argument, value);
    case 'anything-but': {
      if (!present) return false;
      if (isObject(argument)) return !valueMatches(argument, value, present);
      const excluded = Array.isArray(argument) ? argument : [argument];
      return !excluded.includes(value as Json);
    }
    default:
      throw new UnsupportedEventPattern(
        `The operator "${operator}" is not supported off AWS; expected exists, prefix, suffix, equals-ignore-case, wildcard, numeric or anything-but.`,
      );
  }
}

/** A field's pattern (a list of matchers) against the event's value (an array matches when any element does). */
function fieldMatches(expected: Json[], value: unknown, present: boolean): boolean {
  const values = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0) return expected.some((matcher) => valueMatches(matcher, undefined, false));
  return expected.some((matcher) => values.some((one) => valueMatches(matcher, one, present && one !== undefined)));
}

/** Whether `event` matches `pattern` (an EventBridge event pattern), as EventBridge decides it. */
export function matchesEventPattern(pattern: Readonly<Record<string, unknown>>, event: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern as Matcher)) {
    if (key === '$or') {
      if (!Array.isArray(expected) || !expected.every(isObject)) throw new UnsupportedEventPattern('$or needs a list of patterns.');
      if (!expected.some((alternative) => matchesEventPattern(alternative as Matcher, event))) return false;
      continue;
    }
    const present = isObject(event) && Object.hasOwn(event, key);
    const value = present ? (event as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) {
      if (!fieldMatches(expected, value, present)) return false;
    } else if (isObject(expected)) {
      if (!matchesEventPattern(expected, isObject(value) ? value : {})) return false;
    } else {
      throw new UnsupportedEventPattern(`The pattern gives "${key}" a ${typeof expected}; expected a list of values or a nested pattern.`);
    }
  }
  return true;
}
