import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { LOCAL_FUNCTION_ENVIRONMENT } from '#local/engine/functions.js';
import { functionEnvironment as deployedEnvironment } from '#local/engine/template-environment.js';
import { readTemplate, type Template } from '#local/template.js';
import type { AdaptiveDefaults } from './policies.js';

/** A function of template.yaml built with esbuild, as scripts/build.mjs lists them. */
export interface TemplateFunction {
  logicalId: string;
  codeUri: string;
  properties: { EntryPoints: string[] } & Record<string, unknown>;
}

/** What the bench uses of scripts/build.mjs (plain JavaScript, typed here). */
export interface BuildScript {
  esbuildOptionsFrom(properties: Record<string, unknown>): BuildOptions;
  functionsOf(template: unknown): TemplateFunction[];
}

export { readTemplate, type Template };

/** Loaded at run time from the project (not bundled: it reads template.yaml relative to itself). */
export async function loadBuildScript(root: string): Promise<BuildScript> {
  return (await import(pathToFileURL(join(root, 'scripts', 'build.mjs')).href)) as BuildScript;
}

/** The adaptive policy as deployed: the template's parameter defaults. */
export function adaptiveDefaultsOf(template: Template): AdaptiveDefaults {
  const numberParameter = (name: string): number => {
    const value = Number(template.Parameters?.[name]?.Default);
    if (!Number.isFinite(value)) throw new Error(`template.yaml has no numeric default for parameter ${name}.`);
    return value;
  };
  return {
    pollMinSeconds: numberParameter('PollMinSeconds'),
    pollCapSeconds: numberParameter('PollCapSeconds'),
    watchSeconds: numberParameter('WatchSeconds'),
  };
}

/** The environment a function gets when deployed with the parameter defaults, over the local defaults. */
export function functionEnvironment(template: Template, logicalId: string): Record<string, string> {
  return { ...LOCAL_FUNCTION_ENVIRONMENT, ...deployedEnvironment(template, logicalId) };
}
