/**
 * What the in-process handlers print, kept off the CLI's stdout. In Lambda a
 * function's stdout is its log stream; here stdout carries the CLI's result
 * alone. Powertools Logger and Metrics write to the global console in
 * POWERTOOLS_DEV mode, so routing the console routes them: embedded metric
 * format documents to `onMetrics`, everything else to `onLog` (stderr).
 * Must run before the handler bundles load: they pick their console then.
 */
import { format } from 'node:util';

/** A CloudWatch embedded metric format document, as Powertools Metrics writes it. */
export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit?: string }> }>;
  };
  [key: string]: unknown;
}

export function parseEmf(text: string): EmfDocument | undefined {
  if (!text.startsWith('{') || !text.includes('"_aws"')) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<EmfDocument>;
    return Array.isArray(parsed._aws?.CloudWatchMetrics) ? (parsed as EmfDocument) : undefined;
  } catch {
    return undefined;
  }
}

export interface FunctionOutputRoutes {
  onLog?: (text: string) => void;
  onMetrics?: (document: EmfDocument) => void;
}

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** Routes the console; returns a function that puts it back. */
export function routeFunctionOutput(routes: FunctionOutputRoutes = {}): () => void {
  process.env.POWERTOOLS_DEV = 'true';
  // Dev mode turns metrics off unless told otherwise: keep them, they are shown with --metrics.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'false';
  const original = Object.fromEntries(METHODS.map((method) => [method, console[method]])) as Record<
    (typeof METHODS)[number],
    (...args: unknown[]) => void
  >;
  const onLog = routes.onLog ?? ((text: string) => process.stderr.write(`${text}\n`));
  const route = (...args: unknown[]): void => {
    const text = format(...args);
    const emf = parseEmf(text);
    if (emf) routes.onMetrics?.(emf);
    else onLog(text);
  };
  for (const method of METHODS) console[method] = route;
  return () => {
    for (const method of METHODS) console[method] = original[method];
  };
}
