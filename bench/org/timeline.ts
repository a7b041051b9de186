/**
 * The organization stop as a picture (SVG): above, how many runs were signalled, draining and ended
 * over time; below, one band per target - waiting for its signal, draining, ended and not yet
 * reported, reported - so the spread over targets and the tail show at a glance.
 */
import type { OrgResult, TargetTimeline } from './types.js';

const WIDTH = 900;
const LEFT = 60;
const RIGHT = 20;
const AREA_TOP = 40;
const AREA_HEIGHT = 140;
const BANDS_TOP = AREA_TOP + AREA_HEIGHT + 40;
const COLOURS = { waiting: '#d9d9d9', draining: '#f0a202', ended: '#2a9d8f', reported: '#264653', signalled: '#e76f51' };

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const round = (value: number): number => Math.round(value * 10) / 10;

/** How many runs had been signalled, and had ended, by each of `steps` moments up to `end`. */
function counts(timeline: readonly TargetTimeline[], end: number, steps: number) {
  const signals = timeline.flatMap((target) => target.signals).sort((a, b) => a - b);
  const ends = timeline.flatMap((target) => target.ends).sort((a, b) => a - b);
  const upTo = (sorted: number[], at: number): number => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((sorted[middle] as number) <= at) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return Array.from({ length: steps + 1 }, (_, step) => {
    const at = (end * step) / steps;
    return { at, signalled: upTo(signals, at), ended: upTo(ends, at) };
  });
}

export function timelineSvg(result: Pick<OrgResult, 'timeline' | 'runs' | 'targets' | 'drainSeconds' | 'secondsToReport'>): string {
  const timeline = [...result.timeline].sort((a, b) => a.target.localeCompare(b.target));
  const end = Math.max(result.secondsToReport, ...timeline.map((target) => target.reportedAt).filter(Number.isFinite)) * 1.02;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (seconds: number): number => round(LEFT + (Math.max(0, seconds) / end) * plotWidth);
  const bandHeight = Math.max(1, Math.min(6, Math.floor(600 / Math.max(1, timeline.length))));
  const height = BANDS_TOP + timeline.length * bandHeight + 50;
  const y = (runs: number): number => round(AREA_TOP + AREA_HEIGHT - (runs / Math.max(1, result.runs)) * AREA_HEIGHT);
  const samples = counts(timeline, end, 300);
  const line = (value: (sample: (typeof samples)[number]) => number): string =>
    samples.map((sample, index) => `${index === 0 ? 'M' : 'L'}${x(sample.at)},${y(value(sample))}`).join(' ');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(`Organization stop: ${result.targets} targets, ${result.runs} runs, ${result.drainSeconds} s drains`)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="20" font-size="13" font-weight="bold">${escapeXml(`Organization stop: ${result.targets} targets, ${result.runs} runs with ${result.drainSeconds} s drains (simulated seconds)`)}</text>`,
    // The runs: signalled, ended, and between them the ones draining.
    `<path d="${line((sample) => sample.signalled)} L${x(end)},${y(0)} L${x(0)},${y(0)} Z" fill="${COLOURS.draining}" fill-opacity="0.6"/>`,
    `<path d="${line((sample) => sample.ended)} L${x(end)},${y(0)} L${x(0)},${y(0)} Z" fill="${COLOURS.ended}"/>`,
    `<path d="${line((sample) => sample.signalled)}" fill="none" stroke="${COLOURS.signalled}" stroke-width="1.5"/>`,
    `<text x="${LEFT - 6}" y="${AREA_TOP + 4}" text-anchor="end">${result.runs}</text>`,
    `<text x="${LEFT - 6}" y="${AREA_TOP + AREA_HEIGHT}" text-anchor="end">0</text>`,
    `<text x="${LEFT - 6}" y="${AREA_TOP + AREA_HEIGHT / 2}" text-anchor="end">runs</text>`,
  ];
  // One band per target: waiting for its first signal, draining, ended, reported (a dark tick).
  timeline.forEach((target, index) => {
    const top = BANDS_TOP + index * bandHeight;
    const first = Math.min(...target.signals, Number.POSITIVE_INFINITY);
    const last = Math.max(...target.ends, Number.NEGATIVE_INFINITY);
    const rect = (from: number, to: number, colour: string) =>
      Number.isFinite(from) && Number.isFinite(to) && to > from
        ? `<rect x="${x(from)}" y="${top}" width="${round(x(to) - x(from))}" height="${bandHeight}" fill="${colour}"/>`
        : '';
    parts.push(rect(0, first, COLOURS.waiting), rect(first, last, COLOURS.draining), rect(last, target.reportedAt, COLOURS.ended));
    if (Number.isFinite(target.reportedAt))
      parts.push(`<rect x="${x(target.reportedAt)}" y="${top}" width="2" height="${bandHeight}" fill="${COLOURS.reported}"/>`);
  });
  parts.push(`<text x="${LEFT - 6}" y="${BANDS_TOP + 8}" text-anchor="end">targets</text>`);
  // The time axis.
  const axis = BANDS_TOP + timeline.length * bandHeight + 6;
  const tick = end > 600 ? 120 : end > 240 ? 60 : 30;
  for (let at = 0; at <= end; at += tick) {
    parts.push(
      `<line x1="${x(at)}" y1="${AREA_TOP}" x2="${x(at)}" y2="${axis}" stroke="#000" stroke-opacity="0.08"/>`,
      `<text x="${x(at)}" y="${axis + 12}" text-anchor="middle">${at} s</text>`,
    );
  }
  const legend: Array<[string, string]> = [
    [COLOURS.waiting, 'not yet signalled'],
    [COLOURS.draining, 'draining (signalled, not ended)'],
    [COLOURS.ended, 'ended'],
    [COLOURS.reported, "the hub has the target's result"],
  ];
  legend.forEach(([colour, label], index) => {
    const left = LEFT + index * 200;
    parts.push(
      `<rect x="${left}" y="${axis + 22}" width="10" height="10" fill="${colour}"/>`,
      `<text x="${left + 14}" y="${axis + 31}">${escapeXml(label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.filter((part) => part !== '').join('\n')}\n`;
}
