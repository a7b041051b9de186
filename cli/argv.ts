/**
 * Reads argv by the command table, by hand rather than with node:util's parseArgs: parseArgs reads
 * `--max-wait -5` as the short options -5, so the user would not hear that a duration cannot be
 * negative. Every mistake (a repeated flag, a missing value, an unknown option) is a UsageError
 * naming it, and a message never grows with the argv.
 */
import { parseDuration } from '#commons/duration.js';
import { COMMANDS, UsageError, type CommandName, type CommandSpec, type FlagSpec } from './command-table.js';

/** A usage message never grows with the argv. */
const MAX_SHOWN = 60;
export const shown = (text: string): string => (text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text);

function flagValue(command: CommandName, flag: string, spec: FlagSpec, raw: string): string | number {
  const min = spec.min ?? 0;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  const bad = (expected: string): UsageError => new UsageError(`--${flag} is "${shown(raw)}"; expected ${expected}.`, command);
  switch (spec.kind) {
    case 'duration': {
      if (/^\s*-/.test(raw))
        throw bad(min > 0 ? 'a positive duration such as 900, 15m or 2h' : 'a duration of 0 or more, such as 0, 90s or 15m');
      const seconds = parseDuration(raw);
      if (seconds === undefined) throw bad(`a duration: seconds (${min > 0 ? '900' : '0'}) or with a unit (90s, 15m, 2h, 1d)`);
      if (seconds < min || seconds > max) throw bad(`a duration from ${min} s to ${max} s`);
      return seconds;
    }
    case 'integer': {
      const value = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || value < min || value > max) throw bad(`an integer from ${min} to ${max}`);
      return value;
    }
    case 'number': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) throw bad(`a number from ${min} to ${max}`);
      return value;
    }
    default:
      if (spec.choices && !spec.choices.includes(raw)) throw bad(`one of ${spec.choices.join(', ')}`);
      return raw;
  }
}

export interface Parsed {
  values: Record<string, string | number | boolean>;
  positionals: string[];
  help: boolean;
}

/** Splits argv into flags and positionals by the command's table; every mistake is a UsageError naming it. */
export function parseFlags(command: CommandName, argv: string[]): Parsed {
  const spec: CommandSpec = COMMANDS[command];
  const values: Parsed['values'] = {};
  const positionals: string[] = [];
  let flagsEnded = false;
  const known = Object.keys(spec.flags).map((flag) => `--${flag}`);
  // --help wins over every other mistake on the line: whoever asks for help gets it.
  const beforeDashDash = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (beforeDashDash.some((token) => token === '-h' || token === '--help')) return { values, positionals, help: true };
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index] ?? '';
    if (flagsEnded || !token.startsWith('-') || token === '-' || /^-\d/.test(token)) {
      positionals.push(token);
      continue;
    }
    if (token === '--') {
      flagsEnded = true;
      continue;
    }
    const [name = '', inline] = token.startsWith('--')
      ? [
          token.slice(2, token.includes('=') ? token.indexOf('=') : undefined),
          token.includes('=') ? token.slice(token.indexOf('=') + 1) : undefined,
        ]
      : [token];
    const flag = Object.hasOwn(spec.flags, name) ? spec.flags[name] : undefined;
    if (!token.startsWith('--') || !flag) {
      throw new UsageError(
        `Unknown option '${shown(token.split('=')[0] ?? token)}' for ${command}; expected one of ${known.join(', ')}, --help.`,
        command,
      );
    }
    if (Object.hasOwn(values, name)) throw new UsageError(`--${name} is given more than once; give it once.`, command);
    if (flag.kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value; got "${shown(inline)}".`, command);
      values[name] = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[index + 1];
      // A value may start with a dash only when it reads as a number (--max-wait -5 is a negative value, not a flag).
      if (next === undefined || (next.startsWith('-') && !/^-\d/.test(next))) {
        throw new UsageError(`--${name} needs a value (${flag.value ?? 'VALUE'}).`, command);
      }
      raw = next;
      index += 1;
    }
    values[name] = flagValue(command, name, flag, raw);
  }
  const { name, min, max } = spec.positionals;
  if (positionals.length > max) {
    throw new UsageError(
      max === 0
        ? `${command} takes no positional arguments; got "${shown(positionals[0] ?? '')}".`
        : `Expected ${max === 1 ? 'exactly one' : `at most ${max}`} ${name}, got ${positionals.length}.`,
      command,
    );
  }
  if (positionals.length < min) throw new UsageError(`Expected exactly one ${name}, got none.`, command);
  return { values, positionals, help: false };
}
