/**
 * Reading template.yaml for the template tests: one parse, typed helpers for
 * resources, and small readers for CloudFormation intrinsics (yaml-cfn turns
 * `!Ref`/`!Sub`/`!GetAtt`/`!If` into `Ref`/`Fn::Sub`/`Fn::GetAtt`/`Fn::If`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '#local/engine/paths.js';
import { readTemplate, templatePath as templatePathOf, type Json, type JsonObject, type Resource, type Template } from '#local/template.js';

export { parseTemplate, type Json, type JsonObject, type Resource, type Template } from '#local/template.js';
export { projectRoot };
export const templatePath = templatePathOf();
/** Unmodified upstream copies (provenance and licence in schemas/README.md). */
export const schemasDir = join(projectRoot, 'test', 'template', 'schemas');

export function loadTemplate(): Template {
  return readTemplate();
}

/** Reads one of the vendored upstream schemas, failing with a message that says where it was expected. */
export function readVendoredSchema(fileName: string): unknown {
  const path = join(schemasDir, fileName);
  if (!existsSync(path)) {
    throw new Error(`${fileName} is missing: expected it at ${path} (see test/template/schemas/README.md).`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function resourcesOfType(template: Template, ...types: string[]): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => types.includes(resource.Type));
}

/** `Ref: X` → X. */
export function refTarget(value: unknown): string | undefined {
  return isObject(value) && Object.keys(value).length === 1 && typeof value.Ref === 'string' ? value.Ref : undefined;
}

/** `Fn::GetAtt: [X, Attr]` or `Fn::GetAtt: X.Attr` → [X, Attr]. */
export function getAttTarget(value: unknown): [string, string] | undefined {
  if (!isObject(value) || Object.keys(value).length !== 1) return undefined;
  const att = value['Fn::GetAtt'];
  if (Array.isArray(att) && att.length === 2 && typeof att[0] === 'string' && typeof att[1] === 'string') return [att[0], att[1]];
  if (typeof att === 'string' && att.includes('.')) return [att.slice(0, att.indexOf('.')), att.slice(att.indexOf('.') + 1)];
  return undefined;
}

/** `Fn::Sub: 'str'` or `Fn::Sub: ['str', {vars}]` → { text, variables }. */
export function subOf(value: unknown): { text: string; variables: JsonObject } | undefined {
  if (!isObject(value) || Object.keys(value).length !== 1) return undefined;
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') return { text: sub, variables: {} };
  if (Array.isArray(sub) && typeof sub[0] === 'string') return { text: sub[0], variables: isObject(sub[1]) ? sub[1] : {} };
  return undefined;
}

/** The `${Name}` placeholders of an Fn::Sub string (literal `${!...}` escapes excluded). */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\$\{(?!!)([^}]+)\}/g)].map((match) => match[1] ?? '');
}

/** `Fn::If: [cond, a, b]` → [a, b]. */
export function ifBranches(value: unknown): [Json, Json] | undefined {
  if (!isObject(value) || Object.keys(value).length !== 1) return undefined;
  const branches = value['Fn::If'];
  if (Array.isArray(branches) && branches.length === 3) return [branches[1] as Json, branches[2] as Json];
  return undefined;
}

export function isNoValue(value: unknown): boolean {
  return refTarget(value) === 'AWS::NoValue';
}

/** A value as a list (CloudFormation accepts a single item where a list is expected). */
export function asList(value: unknown): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? (value as Json[]) : [value as Json];
}

/** A function's effective property: its own, else the Globals' one. */
export function functionProperty(template: Template, resource: Resource, name: string): Json | undefined {
  return resource.Properties?.[name] ?? template.Globals?.Function?.[name];
}

/** The logical ids that a `Ref`, `Fn::GetAtt` or `Fn::Sub` placeholder anywhere in `value` points at. */
export function referencesIn(value: unknown): { kind: 'Ref' | 'GetAtt' | 'Sub'; target: string; attribute?: string }[] {
  const found: { kind: 'Ref' | 'GetAtt' | 'Sub'; target: string; attribute?: string }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!isObject(node)) return;
    const ref = refTarget(node);
    if (ref !== undefined) found.push({ kind: 'Ref', target: ref });
    const att = getAttTarget(node);
    if (att !== undefined) found.push({ kind: 'GetAtt', target: att[0], attribute: att[1] });
    const sub = subOf(node);
    if (sub !== undefined) {
      for (const name of placeholdersOf(sub.text)) {
        if (name in sub.variables) continue;
        const dot = name.indexOf('.');
        found.push(dot < 0 ? { kind: 'Sub', target: name } : { kind: 'Sub', target: name.slice(0, dot), attribute: name.slice(dot + 1) });
      }
      Object.values(sub.variables).forEach(walk);
      return;
    }
    Object.values(node).forEach(walk);
  };
  walk(value);
  return found;
}
