import { randomUUID } from 'node:crypto';

/** An EventBridge event as a rule's target receives it: what the simulator and the embedded engine publish off AWS. */
export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: { [key: string]: unknown };
}

export type EventListener = (event: EventBridgeEvent) => void;

/** An event with EventBridge's envelope: version 0 and a fresh id around what its publisher says. */
export function eventBridgeEvent(fields: Omit<EventBridgeEvent, 'version' | 'id'>): EventBridgeEvent {
  return { version: '0', id: randomUUID(), ...fields };
}
