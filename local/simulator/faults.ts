/**
 * Fault injection, per SageMaker operation or for all of them (`'*'`).
 * Counted faults (`nextCalls`) hit the next N calls and then disarm; `throttle.tps`
 * and `latencyMs` stay until cleared. An operation's own rule is checked before `'*'`.
 */

import { FaultSpecError, parseFaultSpec, type CountedFault, type FaultSpec } from './fault-spec.js';

export { FaultSpecError, parseFaultSpec, type FaultSpec } from './fault-spec.js';

export type FaultAction =
  'none' | 'throttle' | 'serverError' | 'connectionReset' | 'conflict' | 'accessDenied' | 'hang' | 'htmlServerError';

export interface FaultDecision {
  latencyMs: number;
  action: FaultAction;
  /** The HTTP status of an `htmlServerError`. */
  status?: number;
}

interface Rule {
  spec: FaultSpec;
  /** Real-time instants (ms) of calls let through, for the TPS window. */
  acceptedAt: number[];
}

export class FaultController {
  private readonly rules = new Map<string, Rule>();

  constructor(private readonly knownOperations: readonly string[]) {}

  /** Arms faults for an operation (or `'*'`), replacing what it had. Throws FaultSpecError on bad input. */
  set(operation: string, spec: FaultSpec): void {
    this.checkOperation(operation);
    const clean = parseFaultSpec(spec);
    if (Object.keys(clean).length === 0) this.rules.delete(operation);
    else this.rules.set(operation, { spec: clean, acceptedAt: [] });
  }

  /** Clears one operation's faults, or all of them. */
  clear(operation?: string): void {
    if (operation === undefined) this.rules.clear();
    else this.rules.delete(operation);
  }

  /** What is still armed (counters show the calls left). */
  list(): Record<string, FaultSpec> {
    const out: Record<string, FaultSpec> = {};
    for (const [operation, rule] of this.rules) out[operation] = structuredClone(rule.spec);
    return out;
  }

  /** Used by the server for every call: picks the fault to inject and consumes counters. */
  decide(operation: string, nowMs = Date.now()): FaultDecision {
    const rules = [this.rules.get(operation), this.rules.get('*')].filter((r): r is Rule => r !== undefined);
    let latencyMs = rules.find((r) => r.spec.latencyMs !== undefined)?.spec.latencyMs ?? 0;
    const slow = rules.find((r) => r.spec.slow !== undefined);
    if (slow?.spec.slow) {
      latencyMs = Math.max(latencyMs, slow.spec.slow.ms);
      slow.spec.slow.nextCalls -= 1;
      if (slow.spec.slow.nextCalls <= 0) delete slow.spec.slow;
      this.dropIfEmpty(slow);
    }
    for (const rule of rules) {
      const status = rule.spec.htmlServerError?.status;
      const action = takeFault(rule, nowMs);
      if (action !== 'none') {
        this.dropIfEmpty(rule);
        return { latencyMs, action, ...(action === 'htmlServerError' ? { status: status ?? 502 } : {}) };
      }
    }
    return { latencyMs, action: 'none' };
  }

  private dropIfEmpty(rule: Rule): void {
    if (Object.keys(rule.spec).length > 0) return;
    for (const [operation, candidate] of this.rules) if (candidate === rule) this.rules.delete(operation);
  }

  private checkOperation(operation: string): void {
    if (operation !== '*' && !this.knownOperations.includes(operation)) {
      throw new FaultSpecError(`Unknown operation '${operation}'. Use '*' or one of: ${this.knownOperations.join(', ')}`);
    }
  }
}

/** Order: hang, connection reset, server errors, throttling, access denied, conflict. */
function takeFault(rule: Rule, nowMs: number): FaultAction {
  const { spec } = rule;
  if (takeCounted(spec, 'hang')) return 'hang';
  if (takeCounted(spec, 'connectionReset')) return 'connectionReset';
  if (takeCounted(spec, 'htmlServerError')) return 'htmlServerError';
  if (takeCounted(spec, 'serverError')) return 'serverError';
  if (takeThrottle(rule, nowMs)) return 'throttle';
  if (takeCounted(spec, 'accessDenied')) return 'accessDenied';
  if (takeCounted(spec, 'conflict')) return 'conflict';
  return 'none';
}

function takeCounted(spec: FaultSpec, kind: Exclude<CountedFault, 'slow'>): boolean {
  const fault = spec[kind];
  if (!fault || fault.nextCalls <= 0) return false;
  fault.nextCalls -= 1;
  if (fault.nextCalls === 0) delete spec[kind];
  return true;
}

function takeThrottle(rule: Rule, nowMs: number): boolean {
  const throttle = rule.spec.throttle;
  if (!throttle) return false;
  if (throttle.nextCalls !== undefined && throttle.nextCalls > 0) {
    throttle.nextCalls -= 1;
    if (throttle.nextCalls === 0) {
      delete throttle.nextCalls;
      if (throttle.tps === undefined) delete rule.spec.throttle;
    }
    return true;
  }
  if (throttle.tps === undefined) return false;
  // Sliding one-second window over the calls this rule let through.
  rule.acceptedAt = rule.acceptedAt.filter((t) => nowMs - t < 1000);
  if (rule.acceptedAt.length >= throttle.tps) return true;
  rule.acceptedAt.push(nowMs);
  return false;
}
