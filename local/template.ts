/**
 * template.yaml, read one way: one parse (yaml-cfn turns `!Ref`/`!Sub`/`!GetAtt`/`!If` into
 * `Ref`/`Fn::Sub`/`Fn::GetAtt`/`Fn::If`) and one type, for the local engine, the CLI's local mode,
 * the bench and the tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlParse } from 'yaml-cfn';
import { projectRoot } from '#local/engine/paths.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Parameter {
  Type?: string;
  Default?: Json;
  MinValue?: number;
  MaxValue?: number;
  AllowedPattern?: string;
  AllowedValues?: Json[];
  Description?: string;
  [key: string]: Json | undefined;
}

export interface Resource {
  Type: string;
  Properties?: JsonObject;
  Metadata?: JsonObject;
  Condition?: string;
  DependsOn?: string | string[];
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Transform?: string | string[];
  Metadata?: JsonObject;
  Parameters?: Record<string, Parameter>;
  Conditions?: JsonObject;
  Globals?: { Function?: JsonObject; StateMachine?: JsonObject } & JsonObject;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: Json; Description?: string; Export?: JsonObject }>;
}

export function parseTemplate(text: string): Template {
  return yamlParse(text) as Template;
}

export const templatePath = (root = projectRoot): string => join(root, 'template.yaml');

export function readTemplate(root = projectRoot): Template {
  return parseTemplate(readFileSync(templatePath(root), 'utf8'));
}

/** A parameter's default as text ('' when it has none). */
export function parameterDefault(template: Template, name: string): string {
  const value = template.Parameters?.[name]?.Default;
  return value === undefined || value === null ? '' : String(value as string | number | boolean);
}

/** A parameter's numeric bound or default, or undefined. */
export function parameterNumber(template: Template, name: string, field: 'Default' | 'MinValue' | 'MaxValue'): number | undefined {
  const value = template.Parameters?.[name]?.[field];
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? number : undefined;
}
