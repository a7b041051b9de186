/**
 * A local event bus that routes events by template.yaml's own rules - read from the template, not
 * copied - so what starts a state machine on AWS starts it off AWS too: the SAM `EventBridgeRule`
 * events of the state machines and functions, and plain `AWS::Events::Rule` resources, each with
 * its pattern, its `InputPath` and its target.
 */
import { readTemplate, type Json, type Template } from '#local/template.js';
import type { EventBridgeEvent } from './event.js';
import { matchesEventPattern } from './pattern.js';
import { NamedError } from '#commons/errors.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '#local/account.js';

export interface TemplateRule {
  /** `<LogicalId>.<EventName>` for a SAM event, the rule's logical id otherwise. */
  name: string;
  pattern: Record<string, unknown>;
  /** The logical id of what the rule starts, or the target's Id when it is not of this template (`hub-bus`). */
  target: string;
  /** JSONPath of what the target gets (`$.detail`); the whole event when absent. */
  inputPath?: string;
}

export type RuleTarget = (input: unknown) => Promise<unknown>;

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A `Ref` or `Fn::GetAtt` to a resource of the template: its logical id. */
function targetOf(value: Json | undefined): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/** A pattern names something `!Sub` builds (a parameter, the partition) that has no value here. */
export class RuleValueMissing extends NamedError {
  constructor(name: string) {
    super(
      'RuleValueMissing',
      `A rule's pattern uses \${${name}}, which has no local value; expected one of the stack parameters or pseudo parameters given to templateRules.`,
    );
  }
}

/** The values `!Sub` fills in rule patterns off AWS: the pseudo parameters of the local account and the parameters' defaults. */
export function localRuleValues(template: Template, overrides: Record<string, string> = {}): Record<string, string> {
  const defaults = Object.fromEntries(
    Object.entries(template.Parameters ?? {}).flatMap(([name, parameter]) =>
      parameter.Default === undefined || parameter.Default === null ? [] : [[name, String(parameter.Default as string | number | boolean)]],
    ),
  );
  return { 'AWS::Partition': 'aws', 'AWS::Region': LOCAL_REGION, 'AWS::AccountId': LOCAL_ACCOUNT_ID, ...defaults, ...overrides };
}

/** A pattern with its `!Sub` strings filled in, the rest as written. */
function resolvedPattern(value: Json, values: Record<string, string>): Json {
  if (Array.isArray(value)) return value.map((item) => resolvedPattern(item, values));
  if (!isObject(value)) return value;
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string' && Object.keys(value).length === 1) {
    return sub.replace(/\$\{([A-Za-z0-9:]+)\}/g, (_, name: string) => {
      const filled = values[name];
      if (filled === undefined) throw new RuleValueMissing(name);
      return filled;
    });
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolvedPattern(item, values)]));
}

/**
 * Every EventBridge rule template.yaml deploys, with its pattern (its `!Sub` strings filled from
 * `values`: see localRuleValues), input path and target.
 */
export function templateRules(
  template: Template = readTemplate(),
  values: Record<string, string> = localRuleValues(template),
): TemplateRule[] {
  const rules: TemplateRule[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::Serverless::StateMachine' || resource.Type === 'AWS::Serverless::Function') {
      const events = isObject(properties.Events) ? properties.Events : {};
      for (const [eventName, event] of Object.entries(events)) {
        if (!isObject(event) || event.Type !== 'EventBridgeRule' || !isObject(event.Properties) || !isObject(event.Properties.Pattern))
          continue;
        const inputPath = event.Properties.InputPath;
        const pattern = resolvedPattern(event.Properties.Pattern, values) as Record<string, unknown>;
        rules.push({
          name: `${logicalId}.${eventName}`,
          pattern,
          target: logicalId,
          ...(typeof inputPath === 'string' ? { inputPath } : {}),
        });
      }
    } else if (resource.Type === 'AWS::Events::Rule' && isObject(properties.EventPattern) && Array.isArray(properties.Targets)) {
      for (const target of properties.Targets) {
        // A resource of this template by its logical id; anything else (another account's bus) by the target's Id.
        const id = isObject(target) ? (targetOf(target.Arn) ?? (typeof target.Id === 'string' ? target.Id : undefined)) : undefined;
        if (!id || !isObject(target)) continue;
        const inputPath = target.InputPath;
        rules.push({
          name: logicalId,
          pattern: resolvedPattern(properties.EventPattern, values) as Record<string, unknown>,
          target: id,
          ...(typeof inputPath === 'string' ? { inputPath } : {}),
        });
      }
    }
  }
  return rules;
}

/** `$` or `$.a.b`: the part of the event a rule's InputPath hands its target. */
export function atInputPath(event: unknown, inputPath: string | undefined): unknown {
  if (inputPath === undefined || inputPath === '$') return event;
  if (!/^\$(\.[A-Za-z0-9_-]+)+$/.test(inputPath))
    throw new RangeError(`InputPath "${inputPath}" is not supported off AWS; expected $ or $.field.field.`);
  return inputPath
    .slice(2)
    .split('.')
    .reduce<unknown>(
      (value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined),
      event,
    );
}

export interface Delivery {
  rule: string;
  target: string;
  /** What the target returned, or the error it threw: a failed target never stops the bus. */
  result: Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }>;
}

/** Routes each event to the targets whose rules match it; targets without a local stand-in are skipped. */
export class LocalEventBus {
  constructor(
    private readonly targets: Readonly<Record<string, RuleTarget>>,
    private readonly rules: readonly TemplateRule[] = templateRules(),
  ) {}

  put(event: EventBridgeEvent): Delivery[] {
    return this.rules
      .filter((rule) => this.targets[rule.target] !== undefined && matchesEventPattern(rule.pattern, event))
      .map((rule) => ({
        rule: rule.name,
        target: rule.target,
        result: (this.targets[rule.target] as RuleTarget)(atInputPath(event, rule.inputPath)).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      }));
  }
}
