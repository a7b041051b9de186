import { validationError } from './errors.js';

/**
 * Cursor pagination: NextToken names the last item returned, so pages stay
 * stable while new steps or executions appear between calls.
 */
export const MAX_RESULTS_LIMIT = 100;
/** SageMaker documents no default page size; 10 (common for SageMaker List APIs) makes paging show up early. */
export const DEFAULT_MAX_RESULTS = 10;

interface Cursor {
  scope: string;
  after: string;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginate<T>(
  sortedItems: T[],
  keyOf: (item: T) => string,
  request: { scope: string; maxResults?: number; nextToken?: string },
): Page<T> {
  const pageSize = request.maxResults ?? DEFAULT_MAX_RESULTS;
  let start = 0;
  if (request.nextToken !== undefined) {
    const cursor = decode(request.nextToken);
    const index = cursor && cursor.scope === request.scope ? sortedItems.findIndex((item) => keyOf(item) === cursor.after) : -1;
    if (index < 0) throw validationError('The NextToken is invalid or does not belong to this request.');
    start = index + 1;
  }
  const items = sortedItems.slice(start, start + pageSize);
  const last = items[items.length - 1];
  const more = start + pageSize < sortedItems.length;
  return more && last !== undefined ? { items, nextToken: encode({ scope: request.scope, after: keyOf(last) }) } : { items };
}

const encode = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decode(token: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && 'scope' in value && 'after' in value) {
      const { scope, after } = value;
      if (typeof scope === 'string' && typeof after === 'string') return { scope, after };
    }
  } catch {
    // fall through: not one of ours
  }
  return undefined;
}
