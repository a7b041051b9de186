/**
 * The SAM schema leaves CloudFormation resources (log groups, queues, rules,
 * policies) open: these tests hold them to the CloudFormation resource spec
 * of @aws-cdk/aws-service-spec, and check that every Ref, GetAtt, Sub
 * placeholder, condition and DependsOn of the template resolves.
 */
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { beforeAll, describe, expect, it } from 'vitest';
import { asList, isObject, loadTemplate, parseTemplate, referencesIn, type Json, type Template } from '#test/support/template.js';

type SpecDatabase = Awaited<ReturnType<typeof loadAwsServiceSpec>>;

/** The parts of the spec's property types these checks read. */
type PropertyType =
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'array' | 'map'; element: PropertyType }
  | { type: 'union'; types: PropertyType[] }
  | { type: 'string'; allowedValues?: string[] }
  | { type: 'integer'; allowedValues?: number[] }
  | { type: 'number' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' };
type Properties = Record<string, { type: unknown; required?: boolean }>;

/** CloudFormation types whose attributes a SAM resource exposes to GetAtt. */
const SAM_ATTRIBUTE_TYPES: Record<string, string> = {
  'AWS::Serverless::Function': 'AWS::Lambda::Function',
  'AWS::Serverless::StateMachine': 'AWS::StepFunctions::StateMachine',
};

const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
];

function isIntrinsic(value: unknown): boolean {
  return (
    isObject(value) &&
    Object.keys(value).length === 1 &&
    (Object.keys(value)[0] === 'Ref' || (Object.keys(value)[0] ?? '').startsWith('Fn::'))
  );
}

function specOf(db: SpecDatabase, type: string): { properties: Properties; attributes: Record<string, unknown> } | undefined {
  const found = db.lookup('resource', 'cloudFormationType', 'equals', type);
  return found.length === 1 ? (found[0] as unknown as { properties: Properties; attributes: Record<string, unknown> }) : undefined;
}

/** Unknown keys, missing required keys and values outside allowedValues, recursively through the spec's type definitions. */
function propertyFindings(db: SpecDatabase, template: Template, path: string, value: unknown, type: PropertyType): string[] {
  if (isIntrinsic(value)) {
    const ref = isObject(value) && typeof value.Ref === 'string' ? value.Ref : undefined;
    const allowed = 'allowedValues' in type ? type.allowedValues : undefined;
    const parameter = ref === undefined ? undefined : template.Parameters?.[ref];
    if (allowed && parameter && Array.isArray(parameter.AllowedValues)) {
      const outside = parameter.AllowedValues.filter(
        (candidate) => !(allowed as (string | number)[]).some((ok) => String(ok) === String(candidate)),
      );
      if (outside.length > 0) return [`${path}: parameter ${ref} allows ${outside.join(', ')}, which CloudFormation does not accept`];
    }
    return [];
  }
  switch (type.type) {
    case 'ref': {
      const definition = db.get('typeDefinition', type.reference.$ref) as unknown as { properties: Properties };
      return objectFindings(db, template, path, value, definition.properties);
    }
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, index) => propertyFindings(db, template, `${path}[${index}]`, item, type.element))
        : [];
    case 'map':
      return isObject(value)
        ? Object.entries(value).flatMap(([key, item]) => propertyFindings(db, template, `${path}.${key}`, item, type.element))
        : [];
    case 'union': {
      const candidates = type.types.map((candidate) => propertyFindings(db, template, path, value, candidate));
      return candidates.some((findings) => findings.length === 0) ? [] : (candidates.sort((a, b) => a.length - b.length)[0] ?? []);
    }
    case 'string':
    case 'integer':
      if (type.allowedValues && !(type.allowedValues as (string | number)[]).some((ok) => String(ok) === String(value))) {
        return [`${path}: ${JSON.stringify(value)} is not one of ${type.allowedValues.join(', ')}`];
      }
      return [];
    default:
      return [];
  }
}

function objectFindings(db: SpecDatabase, template: Template, path: string, value: unknown, properties: Properties): string[] {
  if (!isObject(value)) return [`${path}: expected an object, got ${JSON.stringify(value)}`];
  const findings: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (property.required && !(name in value)) findings.push(`${path}: required property ${name} is missing`);
  }
  for (const [name, item] of Object.entries(value)) {
    const property = properties[name];
    if (!property) findings.push(`${path}: unknown property ${name}`);
    else findings.push(...propertyFindings(db, template, `${path}.${name}`, item, property.type as PropertyType));
  }
  return findings;
}

/** Findings for every CloudFormation (non-SAM) resource of a template. */
function resourceFindings(db: SpecDatabase, template: Template): string[] {
  return Object.entries(template.Resources).flatMap(([logicalId, resource]) => {
    if (resource.Type.startsWith('AWS::Serverless::') || resource.Type.startsWith('Custom::')) return [];
    const spec = specOf(db, resource.Type);
    if (!spec) return [`${logicalId}: ${resource.Type} is not a CloudFormation resource type`];
    return objectFindings(db, template, logicalId, resource.Properties ?? {}, spec.properties);
  });
}

/** Refs, GetAtts, Sub placeholders, Fn::If conditions and DependsOn that point at nothing. */
function referenceFindings(db: SpecDatabase, template: Template): string[] {
  const findings: string[] = [];
  const parameters = Object.keys(template.Parameters ?? {});
  const scopes: [string, unknown][] = [
    ['Globals', template.Globals],
    ...Object.entries(template.Resources).map(([id, resource]): [string, unknown] => [id, resource]),
    ...Object.entries(template.Outputs ?? {}).map(([id, output]): [string, unknown] => [`Outputs.${id}`, output]),
  ];
  for (const [where, scope] of scopes) {
    for (const reference of referencesIn(scope)) {
      const target = template.Resources[reference.target];
      if (reference.attribute === undefined) {
        if (!target && !parameters.includes(reference.target) && !PSEUDO_PARAMETERS.includes(reference.target)) {
          findings.push(`${where}: ${reference.kind} ${reference.target} is neither a parameter nor a resource`);
        }
        continue;
      }
      if (!target) {
        findings.push(`${where}: ${reference.kind} ${reference.target}.${reference.attribute}: no resource ${reference.target}`);
        continue;
      }
      const attributeType = SAM_ATTRIBUTE_TYPES[target.Type] ?? (target.Type.startsWith('AWS::Serverless::') ? undefined : target.Type);
      const spec = attributeType === undefined ? undefined : specOf(db, attributeType);
      if (spec && !(reference.attribute in spec.attributes)) {
        findings.push(
          `${where}: ${reference.kind} ${reference.target}.${reference.attribute}: ${reference.target} (${target.Type}) has no attribute ${reference.attribute} (it has ${Object.keys(spec.attributes).join(', ')})`,
        );
      }
    }
  }
  const conditions = Object.keys(template.Conditions ?? {});
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) node.forEach((item) => walk(item, where));
    else if (isObject(node)) {
      const branches = node['Fn::If'];
      if (Array.isArray(branches) && typeof branches[0] === 'string' && !conditions.includes(branches[0]))
        findings.push(`${where}: Fn::If on unknown condition ${branches[0]}`);
      Object.values(node).forEach((item) => walk(item, where));
    }
  };
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    walk(resource, logicalId);
    if (resource.Condition !== undefined && !conditions.includes(resource.Condition))
      findings.push(`${logicalId}: unknown Condition ${resource.Condition}`);
    for (const dependency of asList(resource.DependsOn as Json)) {
      if (typeof dependency !== 'string' || !template.Resources[dependency])
        findings.push(`${logicalId}: DependsOn ${JSON.stringify(dependency)} is not a resource`);
    }
  }
  return findings;
}

describe('CloudFormation resources against the CloudFormation resource spec', () => {
  let db: SpecDatabase;
  const template = loadTemplate();

  beforeAll(async () => {
    db = await loadAwsServiceSpec();
  });

  it('uses only known properties, with every required one and allowed values, on every CloudFormation resource', () => {
    // Prepare
    const cloudFormationResources = Object.values(template.Resources).filter((resource) => !resource.Type.startsWith('AWS::Serverless::'));
    // Act
    const findings = resourceFindings(db, template);
    // Assess
    expect(cloudFormationResources.length).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  });

  it('reports a misspelt property, a missing required one, a nested typo and a parameter the property rejects', () => {
    // Prepare
    const fixture = parseTemplate(`
Parameters:
  Retention: { Type: Number, AllowedValues: [7, 10] }
Resources:
  Group:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDay: 7
  Days:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: !Ref Retention
  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      PolicyDocument: {}
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Targets:
        - Id: one
          Arn: !GetAtt Group.Arn
          SqsParameter: {}
`);
    // Act
    const findings = resourceFindings(db, fixture);
    // Assess
    expect(findings).toEqual([
      'Group: unknown property RetentionInDay',
      'Days.RetentionInDays: parameter Retention allows 10, which CloudFormation does not accept',
      'Policy: required property Queues is missing',
      'Rule.Targets[0]: unknown property SqsParameter',
    ]);
  });

  it('resolves every Ref, GetAtt, Sub placeholder, condition and DependsOn', () => {
    // Prepare
    const references = referencesIn(template.Resources).length;
    // Act
    const findings = referenceFindings(db, template);
    // Assess
    expect(references).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  });

  it('reports dangling references and unknown attributes', () => {
    // Prepare
    const fixture = parseTemplate(`
Resources:
  Fn:
    Type: AWS::Serverless::Function
  Machine:
    Type: AWS::Serverless::StateMachine
    DependsOn: Ghost
    Properties:
      DefinitionSubstitutions:
        FnArn: !GetAtt Fn.Arn
        Bad: !GetAtt Fn.Name
        Missing: !Ref Nowhere
        Sub: !Sub arn:\${AWS::Partition}:states:\${AWS::Region}:\${Unknown.Arn}
      Policies: !If [NoCondition, [], []]
Outputs:
  Name:
    Value: !GetAtt Machine.Name
`);
    // Act
    const findings = referenceFindings(db, fixture);
    // Assess
    expect(findings).toEqual([
      expect.stringMatching(/^Machine: GetAtt Fn\.Name: Fn \(AWS::Serverless::Function\) has no attribute Name \(it has .*\bArn\b/),
      'Machine: Ref Nowhere is neither a parameter nor a resource',
      'Machine: Sub Unknown.Arn: no resource Unknown',
      'Machine: Fn::If on unknown condition NoCondition',
      'Machine: DependsOn "Ghost" is not a resource',
    ]);
  });
});
