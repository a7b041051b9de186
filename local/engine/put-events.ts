/** EventBridge's PutEvents, off AWS: each entry checked as EventBridge checks it, then put on the local bus. */
import { jsonDepth, MAX_JSON_DEPTH } from '#local/simulator/protocol.js';
import type { JsonValue } from '#local/simulator/types.js';
import { eventBridgeEvent, type EventBridgeEvent } from '#local/events/event.js';
import { BadRequest } from './step-functions-bounds.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '#local/account.js';

/** PutEvents takes 1-10 entries of at most 256 KB in all (the PutEvents API reference; entry size as "Calculating PutEvents event entry size" counts it). */
const MAX_ENTRIES = 10;
const MAX_ENTRIES_BYTES = 262_144;

type Body = Record<string, unknown>;

/** An entry's size as EventBridge counts it: Source, DetailType, Detail and each Resource in UTF-8 bytes, plus 14 for a Time. */
function entrySize(entry: Body): number {
  const text = (value: unknown): number => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce<number>((sum, item) => sum + text(item), 0) : 0;
  return text(entry.Source) + text(entry.DetailType) + text(entry.Detail) + resources + (entry.Time === undefined ? 0 : 14);
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** One entry: an event on the bus, or the failed entry EventBridge answers with (nothing is put). */
function putEntry(entry: unknown, onEvent: ((event: EventBridgeEvent) => void) | undefined): EntryResult {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'The entry is not an object.' };
  const body = entry as Body;
  const { Source: source, DetailType: detailType, Detail: detailText } = body;
  if (
    typeof source !== 'string' ||
    typeof detailType !== 'string' ||
    typeof detailText !== 'string' ||
    source === '' ||
    detailType === ''
  ) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required strings.' };
  }
  if (detailType.length > 128)
    return { ErrorCode: 'InvalidArgument', ErrorMessage: `DetailType has ${detailType.length} characters; expected at most 128.` };
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed: it is not JSON.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed: expected a JSON object.' };
  const depth = jsonDepth(detail as JsonValue);
  if (depth > MAX_JSON_DEPTH)
    return {
      ErrorCode: 'MalformedDetail',
      ErrorMessage: `Detail is malformed: it nests ${depth} levels deep; expected at most ${MAX_JSON_DEPTH}.`,
    };
  const resources = Array.isArray(body.Resources) ? body.Resources.filter((item): item is string => typeof item === 'string') : [];
  const event = eventBridgeEvent({
    source,
    'detail-type': detailType,
    detail: detail as Record<string, unknown>,
    resources,
    account: LOCAL_ACCOUNT_ID,
    region: LOCAL_REGION,
    time: new Date().toISOString(),
  });
  onEvent?.(event);
  return { EventId: event.id };
}

export function putEvents(body: Body, onEvent: ((event: EventBridgeEvent) => void) | undefined) {
  const entries = body.Entries;
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES)
    throw new BadRequest(`Entries must be a list of 1 to ${MAX_ENTRIES} entries.`);
  const size = entries.reduce<number>(
    (sum, entry) => sum + (typeof entry === 'object' && entry !== null ? entrySize(entry as Body) : 0),
    0,
  );
  if (size > MAX_ENTRIES_BYTES)
    throw new BadRequest(
      `Total size of the entries in the request is over the limit: ${size} bytes; expected at most ${MAX_ENTRIES_BYTES}.`,
    );
  const results = entries.map((entry: unknown) => putEntry(entry, onEvent));
  return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
}
