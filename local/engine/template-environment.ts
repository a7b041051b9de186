/**
 * The functions' environment as template.yaml deploys it with its parameter
 * defaults: the one source of the defaults that the local engine, the CLI's
 * local mode, the tests and the bench give the handlers.
 */
import { readTemplate, type Json, type Template } from '#local/template.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '#local/account.js';

type Variables = Record<string, Json>;

const LOCAL_PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT_ID,
};

const variablesOf = (value: Json | undefined): Variables => {
  const variables = (value as { Variables?: Json } | null | undefined)?.Variables;
  return typeof variables === 'object' && variables !== null && !Array.isArray(variables) ? variables : {};
};

/** A template value as a string: a `!Ref` to a parameter becomes its default; other intrinsics become ''. */
function resolved(template: Template, value: Json): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const ref = (value as { Ref?: Json } | null)?.Ref;
  if (typeof ref === 'string') {
    // The pseudo parameters as the local cloud has them (one partition, one region).
    if (ref in LOCAL_PSEUDO_PARAMETERS) return LOCAL_PSEUDO_PARAMETERS[ref] as string;
    const fallback = template.Parameters?.[ref]?.Default;
    return fallback === undefined || fallback === null ? '' : String(fallback as string | number | boolean);
  }
  return '';
}

/**
 * One function's environment when deployed with the parameter defaults
 * (Globals, then its own Variables). NODE_OPTIONS is left out: it is for the
 * Lambda runtime, not for this process or the processes it starts.
 */
export function functionEnvironment(template: Template, logicalId: string): Record<string, string> {
  const variables = {
    ...variablesOf(template.Globals?.Function?.Environment),
    ...variablesOf(template.Resources[logicalId]?.Properties?.Environment),
  };
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (name !== 'NODE_OPTIONS') environment[name] = resolved(template, value);
  }
  return environment;
}

/** Every function's environment merged: the handlers run in one process locally. */
export function allFunctionsEnvironment(template: Template = readTemplate()): Record<string, string> {
  const functions = Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::Serverless::Function');
  return Object.assign({}, ...functions.map(([logicalId]) => functionEnvironment(template, logicalId))) as Record<string, string>;
}
