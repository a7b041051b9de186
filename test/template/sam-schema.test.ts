import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import AjvDraft04, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  isObject,
  loadTemplate,
  parseTemplate,
  readVendoredSchema,
  resourcesOfType,
  schemasDir,
  templatePath,
  type Template,
} from '#test/support/template.js';

describe('template.yaml parsing (yaml-cfn)', () => {
  it('turns the short-form tags into Ref, Fn::Sub and Fn::GetAtt objects', () => {
    // Prepare
    const text = readFileSync(templatePath, 'utf8');
    // Act
    const template = parseTemplate(text);
    // Assess
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    const serialized = JSON.stringify(template);
    expect(serialized).toContain('{"Ref":');
    expect(serialized).toContain('{"Fn::Sub":');
    expect(serialized).toContain('{"Fn::GetAtt":');
    expect(serialized).not.toMatch(/"!(Ref|Sub|GetAtt|If)\b/);
  });

  it('parses a short-form fragment the way CloudFormation reads it', () => {
    // Prepare
    const fragment = 'A: !Ref B\nC: !GetAtt D.Arn\nE: !Sub arn:${AWS::Partition}:x\nF: !If [G, 1, !Ref AWS::NoValue]\n';
    // Act
    const parsed = parseTemplate(fragment) as unknown;
    // Assess
    expect(parsed).toEqual({
      A: { Ref: 'B' },
      C: { 'Fn::GetAtt': ['D', 'Arn'] },
      E: { 'Fn::Sub': 'arn:${AWS::Partition}:x' },
      F: { 'Fn::If': ['G', 1, { Ref: 'AWS::NoValue' }] },
    });
  });
});

// ajv-draft-04 is CommonJS: under NodeNext its class is the `default` of the module object.
const Ajv = AjvDraft04.default;
type Ajv = InstanceType<typeof Ajv>;

/** Validators per SAM resource type, to explain a failure on one resource instead of twelve anyOf branches. */
function explain(ajv: Ajv, schema: Record<string, unknown>, template: Template, errors: ErrorObject[]): string[] {
  const branches = (
    (schema.properties as Record<string, { additionalProperties: { anyOf: { $ref: string }[] } }>).Resources?.additionalProperties.anyOf ??
    []
  ).map((branch) => branch.$ref);
  const definitions = schema.definitions as Record<string, { properties?: { Type?: { enum?: string[] } } }>;
  const validatorFor = (type: string): ValidateFunction | undefined => {
    const ref = branches.find((candidate) => definitions[candidate.replace('#/definitions/', '')]?.properties?.Type?.enum?.includes(type));
    const fallback = branches.find((candidate) => candidate.endsWith('any_cfn_resource__Resource'));
    const chosen = ref ?? (type.startsWith('AWS::Serverless::') ? undefined : fallback);
    return chosen === undefined ? undefined : ajv.getSchema(`sam${chosen}`);
  };
  const lines: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const validate = validatorFor(resource.Type);
    if (!validate) {
      lines.push(`/Resources/${logicalId}: unknown type ${resource.Type}`);
      continue;
    }
    if (!validate(resource)) {
      for (const error of validate.errors ?? [])
        lines.push(`/Resources/${logicalId}${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
    }
  }
  for (const error of errors.filter((candidate) => !candidate.instancePath.startsWith('/Resources'))) {
    lines.push(`${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
  }
  return [...new Set(lines)];
}

describe('template.yaml against the SAM JSON schema', () => {
  let ajv: Ajv;
  let schema: Record<string, unknown>;
  let validate: ValidateFunction;

  beforeAll(() => {
    schema = readVendoredSchema('sam.schema.json') as Record<string, unknown>;
    ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema(schema, 'sam');
    const compiled = ajv.getSchema('sam');
    if (!compiled) throw new Error(`could not compile ${schemasDir}/sam.schema.json`);
    validate = compiled;
  });

  it.each([
    ['sam.schema.json', '18a02eee06fa707271eb41ccb95d88b38a4f288772466ab9f9c3e780b549a283'],
    ['policy_templates.json', '3da6e0e839d44360b0f68d0d15f5962e709099e7b398f035a062e82c9f27ed89'],
  ])('reads %s byte for byte as upstream published it', (name, sha256) => {
    // Act
    const digest = createHash('sha256')
      .update(readFileSync(join(schemasDir, name)))
      .digest('hex');
    // Assess
    expect(digest).toBe(sha256);
  });

  it('says where a vendored schema was expected when it is absent', () => {
    // Prepare
    const name = 'no-such-schema.json';
    // Act
    const read = (): unknown => readVendoredSchema(name);
    // Assess
    expect(read).toThrow(/no-such-schema\.json is missing: expected it at .*test\/template\/schemas\/no-such-schema\.json/);
  });

  it('is valid against the official SAM schema', () => {
    // Prepare
    const template = loadTemplate();
    // Act
    const valid = validate(template);
    // Assess
    const problems = valid ? [] : explain(ajv, schema, template, validate.errors ?? []);
    expect(problems, `template.yaml does not match ${schemasDir}/sam.schema.json`).toEqual([]);
    expect(valid).toBe(true);
  });

  it('rejects a misspelt function property, so the check can fail', () => {
    // Prepare
    const template = loadTemplate();
    const [[logicalId, resource]] = resourcesOfType(template, 'AWS::Serverless::Function') as unknown as [
      [string, { Properties: Record<string, unknown> }],
    ];
    resource.Properties.Handlr = resource.Properties.Handler;
    // Act
    const valid = validate(template);
    const problems = explain(ajv, schema, template, validate.errors ?? []);
    // Assess
    expect(valid).toBe(false);
    expect(problems.some((line) => line.startsWith(`/Resources/${logicalId}`) && line.includes('"additionalProperty":"Handlr"'))).toBe(
      true,
    );
  });

  it('rejects an unknown Globals section key', () => {
    // Prepare
    const template = loadTemplate();
    if (!isObject(template.Globals?.Function)) throw new Error('template.yaml has no Globals.Function');
    template.Globals.Function.Runtim = 'nodejs22.x';
    // Act
    const valid = validate(template);
    // Assess
    expect(valid).toBe(false);
    expect(explain(ajv, schema, template, validate.errors ?? []).join('\n')).toContain('/Globals');
  });
});
