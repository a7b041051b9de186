/**
 * The functions' environment as template.yaml deploys it with its parameter
 * defaults: the one source of the defaults that the local engine, the CLI's
 * local mode, the tests and the bench give the handlers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlParse } from 'yaml-cfn';
import { projectRoot } from './paths.js';

type Variables = Record<string, unknown>;
export interface FunctionTemplate {
  Parameters?: Record<string, { Default?: unknown; MinValue?: number; MaxValue?: number; Type?: string; AllowedPattern?: string }>;
  Globals?: { Function?: { Environment?: { Variables?: Variables } } };
  Resources?: Record<string, { Type?: string; Properties?: { Environment?: { Variables?: Variables } } }>;
}

export function readFunctionTemplate(root = projectRoot): FunctionTemplate {
  return yamlParse(readFileSync(join(root, 'template.yaml'), 'utf8')) as FunctionTemplate;
}

/** A template value as a string: a `!Ref` to a parameter becomes its default; other intrinsics become ''. */
function resolved(template: FunctionTemplate, value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const ref = (value as { Ref?: unknown } | null)?.Ref;
  if (typeof ref === 'string') {
    const fallback = template.Parameters?.[ref]?.Default;
    return fallback === undefined ? '' : String(fallback);
  }
  return '';
}

/**
 * One function's environment when deployed with the parameter defaults
 * (Globals, then its own Variables). NODE_OPTIONS is left out: it is for the
 * Lambda runtime, not for this process or the processes it starts.
 */
export function functionEnvironment(template: FunctionTemplate, logicalId: string): Record<string, string> {
  const variables = {
    ...(template.Globals?.Function?.Environment?.Variables ?? {}),
    ...(template.Resources?.[logicalId]?.Properties?.Environment?.Variables ?? {}),
  };
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (name !== 'NODE_OPTIONS') environment[name] = resolved(template, value);
  }
  return environment;
}

/** Every function's environment merged: the handlers run in one process locally. */
export function allFunctionsEnvironment(template: FunctionTemplate = readFunctionTemplate()): Record<string, string> {
  const functions = Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === 'AWS::Serverless::Function');
  return Object.assign({}, ...functions.map(([logicalId]) => functionEnvironment(template, logicalId))) as Record<string, string>;
}
