/**
 * A small terminal emulator for the CLI's redraw tests: text wraps at the
 * width, `\x1b[<n>A` moves the cursor up n rows, `\x1b[0J` clears from the
 * cursor to the end of the screen, `\r\n` and `\n` start a new row, and a
 * resize reflows the logical lines (as most terminals do).
 */
interface Row {
  text: string;
  /** This row continues the logical line of the row above (a wrap). */
  wrapped: boolean;
}

export class VirtualTerminal {
  private rows: Row[] = [{ text: '', wrapped: false }];
  private cursor = 0;

  constructor(private columns: number) {}

  write(data: string): void {
    for (let index = 0; index < data.length; index += 1) {
      const char = data[index] ?? '';
      if (char === '\x1b') {
        // eslint-disable-next-line no-control-regex -- the escape sequences are what this emulator reads
        const match = /^\x1b\[(\d*)([A-Za-z])/.exec(data.slice(index));
        if (!match) continue;
        index += match[0].length - 1;
        const count = Number(match[1] || '1');
        if (match[2] === 'A') this.cursor = Math.max(0, this.cursor - count);
        if (match[2] === 'J') {
          this.rows = this.rows.slice(0, this.cursor + 1);
          const row = this.rows[this.cursor];
          if (row) row.text = '';
        }
        continue;
      }
      if (char === '\r') continue;
      if (char === '\n') {
        this.cursor += 1;
        this.rows[this.cursor] ??= { text: '', wrapped: false };
        if (this.cursor === this.rows.length - 1) this.rows[this.cursor] = { text: '', wrapped: false };
        continue;
      }
      const row = this.rows[this.cursor] ?? { text: '', wrapped: false };
      if ([...row.text].length >= this.columns) {
        this.cursor += 1;
        this.rows.splice(this.cursor, 0, { text: '', wrapped: true });
      }
      const current = this.rows[this.cursor] as Row;
      current.text += char;
    }
  }

  /** The terminal is resized: logical lines reflow at the new width; the cursor stays at the end. */
  resize(columns: number): void {
    const logical: string[] = [];
    for (const row of this.rows) {
      if (row.wrapped && logical.length > 0) logical[logical.length - 1] += row.text;
      else logical.push(row.text);
    }
    this.columns = columns;
    this.rows = logical.flatMap((line) => {
      const chars = [...line];
      if (chars.length === 0) return [{ text: '', wrapped: false }];
      const pieces: Row[] = [];
      for (let start = 0; start < chars.length; start += columns)
        pieces.push({ text: chars.slice(start, start + columns).join(''), wrapped: start > 0 });
      return pieces;
    });
    this.cursor = this.rows.length - 1;
  }

  /** The screen's logical lines, trailing empty ones dropped. */
  lines(): string[] {
    const logical: string[] = [];
    for (const row of this.rows) {
      if (row.wrapped && logical.length > 0) logical[logical.length - 1] += row.text;
      else logical.push(row.text);
    }
    while (logical.length > 0 && logical.at(-1) === '') logical.pop();
    return logical;
  }
}
