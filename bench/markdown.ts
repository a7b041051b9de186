/** A GitHub-flavoured Markdown table (also readable as plain text on a terminal). */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]): string => `| ${cells.map((cell) => String(cell).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const formatNumber = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
export const mark = (met: boolean): string => (met ? '✓' : '✗');
export const dollars = (value: number): string => (Number.isFinite(value) ? `$${value.toFixed(5)}` : 'n/a');
