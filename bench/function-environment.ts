import { LOCAL_FUNCTION_ENVIRONMENT } from '../local/engine/functions.js';
import type { Template } from './template-build.js';

type Resource = { Properties?: { Environment?: { Variables?: Record<string, unknown> } } };
type FullTemplate = Template & {
  Globals?: { Function?: { Environment?: { Variables?: Record<string, unknown> } } };
  Resources?: Record<string, Resource>;
};

/** A template value as a string: a `!Ref` to a parameter becomes its default; other intrinsics become ''. */
function resolved(template: FullTemplate, value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const ref = (value as { Ref?: unknown } | null)?.Ref;
  if (typeof ref === 'string') {
    const fallback = template.Parameters?.[ref]?.Default;
    return fallback === undefined ? '' : String(fallback);
  }
  return '';
}

/**
 * The environment a function gets when deployed with the parameter defaults
 * (Globals, then its own Variables), over the local defaults. NODE_OPTIONS is
 * left out: the cold-start bench sets it per measurement.
 */
export function functionEnvironment(template: Template, logicalId: string): Record<string, string> {
  const full = template as FullTemplate;
  const variables = {
    ...(full.Globals?.Function?.Environment?.Variables ?? {}),
    ...(full.Resources?.[logicalId]?.Properties?.Environment?.Variables ?? {}),
  };
  const environment: Record<string, string> = { ...LOCAL_FUNCTION_ENVIRONMENT };
  for (const [name, value] of Object.entries(variables)) {
    if (name !== 'NODE_OPTIONS') environment[name] = resolved(full, value);
  }
  return environment;
}
