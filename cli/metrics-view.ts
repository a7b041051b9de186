import type { EmfDocument } from '#local/engine/function-output.js';

/** `--metrics`: every metric the functions emitted in this run, one line each, with its dimensions. */
export function metricsReport(documents: EmfDocument[]): string {
  const lines: string[] = [];
  for (const document of documents) {
    for (const directive of document._aws.CloudWatchMetrics) {
      const dimensions = directive.Dimensions.flat()
        .map((name) => `${name}=${String(document[name])}`)
        .join(', ');
      for (const metric of directive.Metrics) {
        const value = document[metric.Name];
        lines.push(`  ${directive.Namespace} ${metric.Name} ${JSON.stringify(value)} ${metric.Unit ?? ''}${dimensions ? ` (${dimensions})` : ''}`.trimEnd());
      }
    }
  }
  return `metrics emitted (${lines.length}):\n${lines.join('\n')}\n`;
}
