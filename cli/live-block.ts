/**
 * One live block on a progress sink, shared by the views of one stop and of stop-all: on a TTY
 * redrawn in place, elsewhere written as plain lines.
 */
/** Where progress goes: a TTY gets a live block redrawn in place, anything else plain lines. */
export interface ProgressSink {
  isTTY?: boolean;
  /** The terminal's width now (a TTY's `columns`); undefined = 80. */
  columns?: () => number | undefined;
  write(text: string): unknown;
}

const DEFAULT_COLUMNS = 80;
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;]*[A-Za-z]/g;

/** How many screen rows `text` takes at `columns` (a full-width line wraps to a second row). */
export function screenRows(text: string, columns: number): number {
  const width = [...text.replace(ESCAPES, '')].length;
  return Math.max(1, Math.ceil(width / Math.max(1, columns)));
}

/** Cuts a line to fit one row of the terminal, so the redraw knows exactly what it covers. */
export function fitRow(text: string, columns: number): string {
  const chars = [...text];
  return chars.length < columns ? text : `${chars.slice(0, Math.max(1, columns - 2)).join('')}…`;
}

/**
 * Lines and one live block on a progress sink. On a TTY the block is redrawn
 * in place: the cursor moves up over the screen rows the last block takes at
 * today's width (a terminal reflows wrapped lines on resize), the screen is
 * cleared from there, and each line is cut to fit one row. Elsewhere every
 * new block is written as plain lines, once.
 */
export class LiveBlock {
  private drawn: string[] = [];
  /** The block's lines before fitting, to redraw them at a new width. */
  private source: string[] = [];
  private lastPlain = '';

  constructor(private readonly sink: ProgressSink) {}

  line(text: string): void {
    this.drawn = [];
    this.source = [];
    this.sink.write(`${text}\n`);
  }

  /** After a terminal resize: the block drawn at the old width is redrawn at the new one. */
  onResize(): void {
    if (this.sink.isTTY && this.drawn.length > 0) this.block(this.source);
  }

  block(lines: string[]): void {
    if (this.sink.isTTY) {
      const columns = this.sink.columns?.() ?? DEFAULT_COLUMNS;
      const rows = this.drawn.reduce((sum, drawnLine) => sum + screenRows(drawnLine, columns), 0);
      const up = rows > 0 ? `\x1b[${rows}A\x1b[0J` : '';
      const fitted = lines.map((text) => fitRow(text, columns));
      this.sink.write(`${up}${fitted.join('\n')}\n`);
      this.drawn = fitted;
      this.source = lines;
      return;
    }
    const text = lines.join('\n');
    if (text !== this.lastPlain) this.sink.write(`${text}\n`);
    this.lastPlain = text;
  }
}
