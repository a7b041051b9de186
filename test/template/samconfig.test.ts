import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capabilitiesOf, parseSamConfig } from '#test/support/samconfig.js';
import { loadTemplate, projectRoot } from '#test/support/template.js';

const NAMED_IAM_PROPERTIES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
};

describe('samconfig.toml', () => {
  const config = parseSamConfig(readFileSync(join(projectRoot, 'samconfig.toml'), 'utf8'));
  const deploy = config.tables['default.deploy.parameters'] ?? {};

  it('is a version 0.1 SAM CLI config with the stack name in the global parameters', () => {
    // Prepare
    const global = config.tables['default.global.parameters'] ?? {};
    // Act
    const stackName = global.stack_name;
    // Assess
    expect(config.version).toBe(0.1);
    expect(stackName).toBe('sagemaker-pipelines-graceful-stop');
    expect(String(stackName)).toMatch(/^[A-Za-z][A-Za-z0-9-]{0,127}$/);
  });

  it('deploys with CAPABILITY_IAM, a changeset to confirm and a managed artifact bucket, leaving the region to the profile', () => {
    // Prepare
    const capabilities = capabilitiesOf(deploy.capabilities);
    // Act
    const region = deploy.region;
    // Assess
    expect(capabilities).toContain('CAPABILITY_IAM');
    expect(deploy.confirm_changeset).toBe(true);
    expect(deploy.resolve_s3).toBe(true);
    expect(region === undefined || /^<.+>$/.test(String(region))).toBe(true);
  });

  it('asks for the capabilities the template needs (named IAM resources, nested applications)', () => {
    // Prepare
    const template = loadTemplate();
    const capabilities = capabilitiesOf(deploy.capabilities);
    // Act
    const named = Object.entries(template.Resources).filter(([, resource]) => {
      const nameProperty = NAMED_IAM_PROPERTIES[resource.Type];
      return nameProperty !== undefined && resource.Properties?.[nameProperty] !== undefined;
    });
    const nested = Object.values(template.Resources).some((resource) => resource.Type === 'AWS::Serverless::Application');
    // Assess
    if (named.length > 0)
      expect(capabilities, `named IAM resources: ${named.map(([id]) => id).join(', ')}`).toContain('CAPABILITY_NAMED_IAM');
    if (nested) expect(capabilities).toContain('CAPABILITY_AUTO_EXPAND');
    expect(
      capabilities.every((capability) => ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'].includes(capability)),
    ).toBe(true);
  });

  it('builds cached, in parallel and in the project folder (where npm ci put esbuild), and lints on validate', () => {
    // Prepare
    const build = config.tables['default.build.parameters'] ?? {};
    // Act
    const validate = config.tables['default.validate.parameters'] ?? {};
    // Assess
    expect(build).toMatchObject({ cached: true, parallel: true, build_in_source: true });
    expect(validate).toMatchObject({ lint: true });
  });
});

describe('samconfig.toml reader', () => {
  it('reads tables, strings, booleans, numbers, string arrays and trailing comments', () => {
    // Prepare
    const text = 'version = 0.1\n# comment\n[a.b]\nname = "x # not a comment" # comment\nflag = false\nlist = ["A", "B"]\n';
    // Act
    const parsed = parseSamConfig(text);
    // Assess
    expect(parsed).toEqual({ version: 0.1, tables: { 'a.b': { name: 'x # not a comment', flag: false, list: ['A', 'B'] } } });
  });

  it('refuses what it cannot read instead of guessing', () => {
    // Prepare
    const inlineTable = '[a]\nx = { y = 1 }\n';
    const duplicate = '[a]\nx = 1\nx = 2\n';
    // Act
    const readInline = (): unknown => parseSamConfig(inlineTable);
    const readDuplicate = (): unknown => parseSamConfig(duplicate);
    // Assess
    expect(readInline).toThrow(/line 2: cannot read value/);
    expect(readDuplicate).toThrow(/line 3: x is set twice/);
  });
});
