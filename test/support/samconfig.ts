/**
 * A deliberately tiny reader for samconfig.toml: `[a.b.c]` tables and
 * `key = value` lines whose value is a string, a boolean, a number or a flat
 * array of strings. Enough for the keys the tests read; anything else is
 * reported as unreadable rather than guessed.
 */
export type TomlValue = string | number | boolean | string[];
export type SamConfig = Record<string, Record<string, TomlValue>>;

function parseValue(raw: string, lineNumber: number): TomlValue {
  const text = raw.trim();
  const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(text) ?? /^'([^']*)'$/.exec(text);
  if (quoted) return (quoted[1] ?? '').replace(/\\(["\\])/g, '$1');
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return Number(text);
  const array = /^\[(.*)\]$/.exec(text);
  if (array) {
    const items = (array[1] ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    return items.map((item) => {
      const value = parseValue(item, lineNumber);
      if (typeof value !== 'string') throw new Error(`samconfig.toml line ${lineNumber}: only arrays of strings are read here`);
      return value;
    });
  }
  throw new Error(`samconfig.toml line ${lineNumber}: cannot read value ${text}`);
}

/** Strips a `#` comment that is not inside a quoted string. */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (quote) {
      if (char === '\\') index += 1;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '#') return line.slice(0, index);
  }
  return line;
}

export function parseSamConfig(text: string): { version?: TomlValue; tables: SamConfig } {
  const tables: SamConfig = {};
  let version: TomlValue | undefined;
  let current: Record<string, TomlValue> | undefined;
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = withoutComment(rawLine).trim();
    if (line === '') return;
    const table = /^\[([A-Za-z0-9_.-]+)\]$/.exec(line);
    if (table) {
      const name = table[1] ?? '';
      if (tables[name]) throw new Error(`samconfig.toml line ${index + 1}: table [${name}] is defined twice`);
      current = tables[name] = {};
      return;
    }
    const pair = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    if (!pair) throw new Error(`samconfig.toml line ${index + 1}: cannot read "${line}"`);
    const key = pair[1] ?? '';
    const value = parseValue(pair[2] ?? '', index + 1);
    if (current === undefined) {
      if (key !== 'version') throw new Error(`samconfig.toml line ${index + 1}: ${key} outside a table`);
      version = value;
    } else {
      if (key in current) throw new Error(`samconfig.toml line ${index + 1}: ${key} is set twice`);
      current[key] = value;
    }
  });
  return { version, tables };
}

/** `capabilities` may be one space-separated string or an array. */
export function capabilitiesOf(value: TomlValue | undefined): string[] {
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? value.split(/\s+/).filter((item) => item !== '') : [];
}
