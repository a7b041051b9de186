import { LOCAL_FUNCTION_ENVIRONMENT } from '../local/engine/functions.js';
import { functionEnvironment as deployedEnvironment } from '../local/engine/template-environment.js';
import type { Template } from '../local/template.js';

/** The environment a function gets when deployed with the parameter defaults, over the local defaults. */
export function functionEnvironment(template: Template, logicalId: string): Record<string, string> {
  return { ...LOCAL_FUNCTION_ENVIRONMENT, ...deployedEnvironment(template, logicalId) };
}
