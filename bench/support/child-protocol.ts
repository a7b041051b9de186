/**
 * How the parent and a child process talk: the spec goes in one environment
 * variable as JSON, the result comes back as one stdout line with a marker
 * (the handlers may log to stdout too).
 */
export const SPEC_VARIABLE = 'BENCH_CHILD_SPEC';
const RESULT_MARKER = 'BENCH_RESULT ';

export function readChildSpec<T>(env: NodeJS.ProcessEnv = process.env): T {
  const raw = env[SPEC_VARIABLE];
  if (!raw) throw new Error(`${SPEC_VARIABLE} is not set: this script is started by bench/run.ts.`);
  return JSON.parse(raw) as T;
}

export function writeChildResult(result: unknown): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

/** The result line of a child's stdout, or undefined. */
export function parseChildResult<T>(stdout: string): T | undefined {
  const line = stdout.split('\n').findLast((candidate) => candidate.startsWith(RESULT_MARKER));
  return line === undefined ? undefined : (JSON.parse(line.slice(RESULT_MARKER.length)) as T);
}

/** Runs a child's main function: result on stdout, exit code 1 with the error on stderr. */
export function runChild(main: () => Promise<unknown>): void {
  main()
    .then((result) => {
      writeChildResult(result);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    });
}
