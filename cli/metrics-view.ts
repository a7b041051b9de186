import type { EmfDocument } from '#local/engine/function-output.js';

/** Each metric of one embedded-metric document on a line: `<Namespace> <Name> <value> <Unit> (dimension=value, ...)`. */
export function metricLines(document: EmfDocument): string[] {
  return document._aws.CloudWatchMetrics.flatMap((directive) => {
    const dimensions = directive.Dimensions.flat()
      .map((name) => `${name}=${String(document[name])}`)
      .join(', ');
    return directive.Metrics.map((metric) =>
      `${directive.Namespace} ${metric.Name} ${JSON.stringify(document[metric.Name])} ${metric.Unit ?? ''}${dimensions ? ` (${dimensions})` : ''}`.trimEnd(),
    );
  });
}

/** `--metrics`: every metric the functions emitted in this run, one line each, with its dimensions. */
export function metricsReport(documents: EmfDocument[]): string {
  const lines = documents.flatMap(metricLines);
  return `metrics emitted (${lines.length}):\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}
