/** The help: the overview (USAGE) and each command's usage, laid out within HELP_COLUMNS from the command table. */
import { COMMANDS, type CommandName, type CommandSpec } from './command-table.js';

/** Every line of the help fits a terminal of this width. */
export const HELP_COLUMNS = 80;

const EXIT_CODES = 'Exit codes: 0 success, 1 named failure, 2 usage error, 130 interrupted.';

const ABOUT =
  'Without --state-machine-arn/--stack-name, the state machine runs on the embedded engine in this ' +
  'process against the SageMaker endpoint of the environment (AWS by default; the simulator when ' +
  'AWS_ENDPOINT_URL_SAGEMAKER points at it). With them, the deployed state machine runs on AWS Step ' +
  'Functions (--stack-name reads its ARN from the stack outputs) and the CLI follows it to the end. ' +
  'Durations are seconds (900) or with units (90s, 15m, 2h, 1d, 1h30m). Progress goes to stderr, the ' +
  'result alone to stdout. stop-all exits 1 when any of its graceful stops failed.';

export const USAGE = `Usage:
${Object.values(COMMANDS)
  .map((spec) => synopsisLines(spec.synopsis, '  '))
  .join('\n')}
  graceful-stop <command> --help | graceful-stop --version

${wrap(ABOUT, HELP_COLUMNS).join('\n')}
${EXIT_CODES}`;

const FLAG_COLUMN = 28;

/** `text` in lines of at most `width` characters, broken at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  return [...lines, current];
}

/** One flag's rows: the flag, then its help wrapped beside it (or below it, when the flag is wider than its column). */
function flagRows(left: string, help: string): string[] {
  const indent = ' '.repeat(FLAG_COLUMN + 3);
  const helpLines = wrap(help, HELP_COLUMNS - indent.length);
  if (left.length > FLAG_COLUMN) return [`  ${left}`, ...helpLines.map((line) => `${indent}${line}`)];
  return helpLines.map((line, index) => (index === 0 ? `  ${left.padEnd(FLAG_COLUMN)} ${line}` : `${indent}${line}`));
}

/**
 * A synopsis laid out after `prefix` within HELP_COLUMNS: `graceful-stop <command>` first, then its
 * arguments and bracketed options, wrapped under the first of them.
 */
function synopsisLines(synopsis: string, prefix: string): string {
  const tokens = synopsis.replace(/\s+/g, ' ').match(/\[[^\]]*\]|\S+/g) ?? [];
  const head = `${prefix}${tokens.slice(0, 2).join(' ')} `;
  const indent = ' '.repeat(head.length);
  const lines: string[] = [];
  let current = head.trimEnd();
  for (const token of tokens.slice(2)) {
    if (current.length + 1 + token.length > HELP_COLUMNS && current.trim() !== '') {
      lines.push(current);
      current = `${indent}${token}`;
    } else current = `${current} ${token}`;
  }
  return [...lines, current].join('\n');
}

/** The usage of one command: synopsis, summary and every flag, within HELP_COLUMNS. */
export function commandUsage(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  const flags = Object.entries(spec.flags).flatMap(([flag, flagSpec]) =>
    flagRows(`--${flag}${flagSpec.value ? ` ${flagSpec.value}` : ''}`, flagSpec.help),
  );
  const summary = wrap(`${spec.summary}.`, HELP_COLUMNS).join('\n');
  return `${synopsisLines(spec.synopsis, 'Usage: ')}\n\n${summary}\n\n${[...flags, ...flagRows('-h, --help', 'this text')].join('\n')}\n\n${EXIT_CODES}`;
}
