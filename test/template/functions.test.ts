import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRACEFUL_STOP_FUNCTIONS } from '#local/engine/functions.js';
import {
  functionProperty,
  getAttTarget,
  isObject,
  loadTemplate,
  placeholdersOf,
  projectRoot,
  refTarget,
  resourcesOfType,
  type Json,
  type JsonObject,
  type Resource,
  type Template,
} from '#test/support/template.js';

interface EsbuildFunction {
  logicalId: string;
  resource: Resource;
  codeUri: string;
  handler: string;
  buildProperties: JsonObject;
  entryPoints: string[];
}

function esbuildFunctionsOf(template: Template): EsbuildFunction[] {
  return resourcesOfType(template, 'AWS::Serverless::Function')
    .filter(([, resource]) => resource.Metadata?.BuildMethod === 'esbuild')
    .map(([logicalId, resource]) => {
      const buildProperties = resource.Metadata?.BuildProperties;
      const entryPoints = isObject(buildProperties) && Array.isArray(buildProperties.EntryPoints) ? buildProperties.EntryPoints : [];
      return {
        logicalId,
        resource,
        codeUri: String(functionProperty(template, resource, 'CodeUri') ?? ''),
        handler: String(functionProperty(template, resource, 'Handler') ?? ''),
        buildProperties: isObject(buildProperties) ? buildProperties : {},
        entryPoints: entryPoints.map(String),
      };
    });
}

/** `dir/file.export` → ['dir/file', 'export']. */
function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  return dot < 0 ? [handler, ''] : [handler.slice(0, dot), handler.slice(dot + 1)];
}

function withoutExtension(path: string): string {
  return path.slice(0, path.length - extname(path).length);
}

/** Effective value of a function property (own, else Globals), for a walk over every function. */
function effective(template: Template, resource: Resource, name: string): Json | undefined {
  return functionProperty(template, resource, name);
}

describe('esbuild functions in template.yaml', () => {
  const template = loadTemplate();
  const functions = esbuildFunctionsOf(template);
  const allFunctions = resourcesOfType(template, 'AWS::Serverless::Function');

  it('builds every function with esbuild', () => {
    // Prepare
    const ids = allFunctions.map(([logicalId]) => logicalId);
    // Act
    const esbuilt = functions.map((fn) => fn.logicalId);
    // Assess
    expect(ids.length).toBeGreaterThan(0);
    expect(esbuilt).toEqual(ids);
  });

  it('has every EntryPoint under its CodeUri', () => {
    // Prepare
    const missing: string[] = [];
    // Act
    for (const fn of functions) {
      if (fn.entryPoints.length === 0) missing.push(`${fn.logicalId}: no EntryPoints`);
      if (!existsSync(join(projectRoot, fn.codeUri)) || !statSync(join(projectRoot, fn.codeUri)).isDirectory())
        missing.push(`${fn.logicalId}: CodeUri ${fn.codeUri} is not a folder`);
      for (const entry of fn.entryPoints) {
        if (!existsSync(join(projectRoot, fn.codeUri, entry))) missing.push(`${fn.logicalId}: ${join(fn.codeUri, entry)} does not exist`);
      }
    }
    // Assess
    expect(missing).toEqual([]);
  });

  it("names in each Handler an entry point's file and an export that file has", () => {
    // Prepare
    const findings: string[] = [];
    // Act
    for (const fn of functions) {
      const [file, exported] = splitHandler(fn.handler);
      const entry = fn.entryPoints.find((candidate) => basename(withoutExtension(candidate)) === basename(file));
      if (!entry) {
        findings.push(`${fn.logicalId}: Handler ${fn.handler} names no entry point (${fn.entryPoints.join(', ')})`);
        continue;
      }
      const source = readFileSync(join(projectRoot, fn.codeUri, entry), 'utf8');
      const exports = new RegExp(
        `export\\s+(const|let|var|async\\s+function|function)\\s+${exported}\\b|export\\s*\\{[^}]*\\b${exported}\\b[^}]*\\}`,
      );
      if (exported === '' || !exports.test(source))
        findings.push(`${fn.logicalId}: ${entry} does not export ${exported || '(no export named)'}`);
    }
    // Assess
    expect(findings).toEqual([]);
  });

  it('bundles with MainFields module,main, minified, with source maps, as ESM .mjs for the Node version of the runtime (node24)', () => {
    // Prepare
    const expected = {
      MainFields: 'module,main',
      Minify: true,
      Sourcemap: true,
      Format: 'esm',
      OutExtension: ['.js=.mjs'],
      Target: 'node24',
      Platform: 'node',
    };
    // Act
    const differing = functions.flatMap((fn) =>
      Object.entries(expected)
        .filter(([key, value]) => JSON.stringify(fn.buildProperties[key]) !== JSON.stringify(value))
        .map(([key]) => `${fn.logicalId}: ${key} is ${JSON.stringify(fn.buildProperties[key])}`),
    );
    // Assess
    expect(differing).toEqual([]);
  });

  it('runs on nodejs24.x, arm64, set once in Globals', () => {
    // Prepare
    const globals = template.Globals?.Function ?? {};
    // Act
    const overriding = allFunctions.filter(([, resource]) => {
      const runtime = effective(template, resource, 'Runtime');
      const architectures = effective(template, resource, 'Architectures');
      return runtime !== 'nodejs24.x' || JSON.stringify(architectures) !== '["arm64"]';
    });
    // Assess
    expect(globals.Runtime).toBe('nodejs24.x');
    expect(globals.Architectures).toEqual(['arm64']);
    expect(overriding.map(([logicalId]) => logicalId)).toEqual([]);
  });

  it('logs JSON from every function', () => {
    // Prepare
    const formats = allFunctions.map(([logicalId, resource]) => {
      const config = effective(template, resource, 'LoggingConfig');
      return [logicalId, isObject(config) ? config.LogFormat : undefined] as const;
    });
    // Act
    const notJson = formats.filter(([, format]) => format !== 'JSON');
    // Assess
    expect(notJson).toEqual([]);
  });

  it('sends every function log to a log group of this template that has a retention', () => {
    // Prepare
    const logGroups = Object.fromEntries(resourcesOfType(template, 'AWS::Logs::LogGroup'));
    // Act
    const findings = allFunctions.flatMap(([logicalId, resource]) => {
      const config = effective(template, resource, 'LoggingConfig');
      const target = isObject(config) ? refTarget(config.LogGroup) : undefined;
      const byName = Object.values(logGroups).some((group) =>
        JSON.stringify(group.Properties?.LogGroupName ?? '').includes(`/aws/lambda/\${${logicalId}}`),
      );
      if (target === undefined && !byName) return [`${logicalId}: logs to the implicit /aws/lambda/<name> group, which keeps logs forever`];
      if (target !== undefined && !logGroups[target])
        return [`${logicalId}: LoggingConfig.LogGroup ${target} is not a log group of this template`];
      return [];
    });
    // Assess
    expect(findings).toEqual([]);
  });
});

describe('local engine function table (local/engine/functions.ts)', () => {
  const template = loadTemplate();

  it('matches template.yaml: each function exists with the same handler file', () => {
    // Prepare
    const table = Object.entries(GRACEFUL_STOP_FUNCTIONS);
    // Act
    const mismatches = table.flatMap(([logicalId, file]) => {
      const resource = template.Resources[logicalId];
      if (resource?.Type !== 'AWS::Serverless::Function') return [`${logicalId} is not a function of template.yaml`];
      const [handlerFile] = splitHandler(String(functionProperty(template, resource, 'Handler') ?? ''));
      return handlerFile === file ? [] : [`${logicalId}: table says ${file}, template Handler file is ${handlerFile}`];
    });
    // Assess
    expect(table.length).toBeGreaterThan(0);
    expect(mismatches).toEqual([]);
  });

  it('lists every function the graceful-stop state machine invokes', () => {
    // Prepare
    const [[, machine]] = resourcesOfType(template, 'AWS::Serverless::StateMachine').filter(
      ([, resource]) => resource.Properties?.DefinitionUri === 'statemachine/graceful-stop.asl.json',
    ) as [[string, Resource]];
    const asl = readFileSync(join(projectRoot, 'statemachine', 'graceful-stop.asl.json'), 'utf8');
    const substitutions = isObject(machine.Properties?.DefinitionSubstitutions) ? machine.Properties.DefinitionSubstitutions : {};
    // Act
    const invoked = placeholdersOf(asl)
      .map((name) => getAttTarget(substitutions[name])?.[0] ?? refTarget(substitutions[name]) ?? name)
      .filter((logicalId) => template.Resources[logicalId]?.Type === 'AWS::Serverless::Function');
    // Assess
    expect(invoked.length).toBeGreaterThan(0);
    expect(invoked.filter((logicalId) => !(logicalId in GRACEFUL_STOP_FUNCTIONS))).toEqual([]);
  });
});

interface BuildScript {
  esbuildOptionsFrom(properties: JsonObject): Record<string, unknown>;
  functionsOf(template: Template): { logicalId: string; codeUri: string; properties: JsonObject }[];
}

describe('scripts/build.mjs', () => {
  const template = loadTemplate();
  let script: BuildScript;

  beforeAll(async () => {
    // A variable specifier: the script is plain JavaScript without type declarations.
    const url = pathToFileURL(join(projectRoot, 'scripts', 'build.mjs')).href;
    script = (await import(url)) as BuildScript;
  });

  it("maps each function's BuildProperties onto the same esbuild options", () => {
    // Prepare
    const functions = esbuildFunctionsOf(template);
    // Act
    const options = functions.map((fn) => script.esbuildOptionsFrom(fn.buildProperties));
    // Assess
    expect(options.length).toBe(functions.length);
    for (const [index, option] of options.entries()) {
      const properties = functions[index]?.buildProperties ?? {};
      expect(option).toMatchObject({
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: properties.Target,
        minify: true,
        sourcemap: true,
        mainFields: ['module', 'main'],
        outExtension: { '.js': '.mjs' },
      });
      const banner = Array.isArray(properties.Banner) ? String(properties.Banner[0]) : '';
      expect(option.banner).toEqual({ js: banner.slice(banner.indexOf('=') + 1) });
    }
  });

  it('follows the properties rather than hard-coding them', () => {
    // Prepare
    const properties = { Format: 'cjs', MainFields: 'main', Minify: false, Sourcemap: false, OutExtension: ['.js=.cjs'], Target: 'node20' };
    // Act
    const option = script.esbuildOptionsFrom(properties);
    // Assess
    expect(option).toMatchObject({
      format: 'cjs',
      mainFields: ['main'],
      minify: false,
      sourcemap: false,
      outExtension: { '.js': '.cjs' },
      target: 'node20',
    });
  });

  it('builds exactly the esbuild functions of the template, from their CodeUri', () => {
    // Prepare
    const expected = esbuildFunctionsOf(template).map((fn) => ({ logicalId: fn.logicalId, codeUri: fn.codeUri }));
    // Act
    const built = script.functionsOf(template).map(({ logicalId, codeUri }) => ({ logicalId, codeUri }));
    // Assess
    expect(built).toEqual(expected);
  });
});
