import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import {
  getAttTarget,
  isObject,
  loadTemplate,
  placeholdersOf,
  projectRoot,
  refTarget,
  resourcesOfType,
  type Json,
  type Template,
} from '#test/support/template.js';

const STATE_MACHINE_TYPES = ['AWS::Serverless::StateMachine'];

interface Machine {
  logicalId: string;
  definitionUri: string;
  text: string;
  definition: unknown;
  substitutions: Record<string, Json>;
}

function machinesOf(template: Template): Machine[] {
  return resourcesOfType(template, ...STATE_MACHINE_TYPES).map(([logicalId, resource]) => {
    const definitionUri = resource.Properties?.DefinitionUri;
    if (typeof definitionUri !== 'string') throw new Error(`${logicalId}: DefinitionUri must be a path to an ASL file in this repository`);
    const path = join(projectRoot, definitionUri);
    if (!existsSync(path)) throw new Error(`${logicalId}: DefinitionUri ${definitionUri} does not exist`);
    const text = readFileSync(path, 'utf8');
    const substitutions = resource.Properties?.DefinitionSubstitutions;
    return {
      logicalId,
      definitionUri,
      text,
      definition: JSON.parse(text) as unknown,
      substitutions: isObject(substitutions) ? substitutions : {},
    };
  });
}

/** Placeholders without a substitution, substitutions never used, and keys that break the `<LogicalId>Arn` convention (besides `Partition`, the AWS::Partition pseudo parameter). */
function substitutionFindings(text: string, substitutions: Record<string, Json>, template: Template): string[] {
  const findings: string[] = [];
  const used = new Set(placeholdersOf(text));
  for (const name of used) if (!(name in substitutions)) findings.push(`\${${name}} has no DefinitionSubstitutions key`);
  for (const [key, value] of Object.entries(substitutions)) {
    if (!used.has(key)) findings.push(`DefinitionSubstitutions key ${key} is never used`);
    if (key === 'Partition') {
      if (refTarget(value) !== 'AWS::Partition') findings.push(`Partition is ${JSON.stringify(value)}, not Ref AWS::Partition`);
      continue;
    }
    const logicalId = /^(.+)Arn$/.exec(key)?.[1];
    if (logicalId === undefined) {
      findings.push(`DefinitionSubstitutions key ${key} does not follow <LogicalId>Arn`);
      continue;
    }
    const att = getAttTarget(value);
    const target = att && att[1] === 'Arn' ? att[0] : refTarget(value);
    if (target === undefined) findings.push(`${key} is ${JSON.stringify(value)}, not Fn::GetAtt [${logicalId}, Arn] or Ref ${logicalId}`);
    else if (target !== logicalId) findings.push(`${key} points at ${target}, not ${logicalId}`);
    else if (!template.Resources[target]) findings.push(`${key} points at ${target}, which is not a resource of the template`);
  }
  return findings;
}

/** Every key/value of a JSON document, depth first. */
function* entries(node: unknown): Generator<[string, unknown]> {
  if (Array.isArray(node)) for (const item of node) yield* entries(item);
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      yield [key, value];
      yield* entries(value);
    }
  }
}

describe('state machine definitions', () => {
  const template = loadTemplate();
  const machines = machinesOf(template);

  it('declares at least the graceful-stop state machine', () => {
    // Prepare
    const uris = machines.map((machine) => machine.definitionUri);
    // Act
    const gracefulStop = machines.find((machine) => machine.definitionUri === 'statemachine/graceful-stop.asl.json');
    // Assess
    expect(uris).toContain('statemachine/graceful-stop.asl.json');
    expect(template.Resources[gracefulStop?.logicalId ?? '']?.Properties?.Type).toBe('STANDARD');
  });

  it('passes asl-validator for every DefinitionUri', () => {
    // Prepare
    // As Step Functions receives it: SAM has resolved ${Partition}; the function ARNs stay placeholders here.
    const results = machines.map((machine) => ({
      machine,
      result: aslValidator(JSON.parse(machine.text.replaceAll('${Partition}', 'aws'))),
    }));
    // Act
    const invalid = results
      .filter(({ result }) => !result.isValid)
      .map(({ machine, result }) => `${machine.definitionUri}: ${result.errorsText('; ')}`);
    // Assess
    expect(invalid).toEqual([]);
  });

  it('asl-validator rejects a definition with a dangling Next, so the check can fail', () => {
    // Prepare
    const broken = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } };
    // Act
    const result = aslValidator(broken);
    // Assess
    expect(result.isValid).toBe(false);
  });

  it('uses JSONPath only (the embedded engine runs no JSONata and no Assign)', () => {
    // Prepare
    const offending: string[] = [];
    // Act
    for (const machine of machines) {
      for (const [key, value] of entries(machine.definition)) {
        if (key === 'QueryLanguage' && value !== 'JSONPath') offending.push(`${machine.definitionUri}: QueryLanguage ${String(value)}`);
        if (key === 'Assign') offending.push(`${machine.definitionUri}: Assign`);
      }
    }
    // Assess
    expect(offending).toEqual([]);
  });

  it('has a DefinitionSubstitutions key for every ${...}, uses every key, and keys are <LogicalId>Arn of existing resources', () => {
    // Prepare
    const findings: string[] = [];
    // Act
    for (const machine of machines) {
      findings.push(
        ...substitutionFindings(machine.text, machine.substitutions, template).map((finding) => `${machine.logicalId}: ${finding}`),
      );
    }
    // Assess
    expect(findings).toEqual([]);
    expect(machines.every((machine) => placeholdersOf(machine.text).length > 0)).toBe(true);
  });

  it('reports a placeholder without key, an unused key, a misnamed key and a dangling target', () => {
    // Prepare
    const text = '{"a": "${MissingFunctionArn}", "b": "${GoodFunctionArn}", "c": "${Oddly}", "d": "${WrongTargetArn}"}';
    const substitutions: Record<string, Json> = {
      GoodFunctionArn: { 'Fn::GetAtt': ['GoodFunction', 'Arn'] },
      UnusedFunctionArn: { 'Fn::GetAtt': ['UnusedFunction', 'Arn'] },
      Oddly: { Ref: 'GoodFunction' },
      WrongTargetArn: { 'Fn::GetAtt': ['GoodFunction', 'Arn'] },
    };
    const fixture: Template = { Resources: { GoodFunction: { Type: 'AWS::Serverless::Function' } } };
    // Act
    const findings = substitutionFindings(text, substitutions, fixture);
    // Assess
    expect(findings).toEqual([
      '${MissingFunctionArn} has no DefinitionSubstitutions key',
      'DefinitionSubstitutions key UnusedFunctionArn is never used',
      'UnusedFunctionArn points at UnusedFunction, which is not a resource of the template',
      'DefinitionSubstitutions key Oddly does not follow <LogicalId>Arn',
      'WrongTargetArn points at GoodFunction, not WrongTarget',
    ]);
  });
});

describe('state machine definitions in every partition', () => {
  const template = loadTemplate();
  const machines = machinesOf(template);
  const exampleParent = readFileSync(join(projectRoot, 'statemachine', 'example-parent.asl.json'), 'utf8');

  /** The definition as Step Functions gets it: `${Partition}` resolved, the other keys as ARNs of that partition. */
  const rendered = (text: string, substitutions: Record<string, Json>, partition: string): string =>
    text.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, key: string) =>
      key === 'Partition' ? partition : `arn:${partition}:lambda:region:123456789012:function:${key in substitutions ? key : 'missing'}`,
    );

  it.each(['aws', 'aws-cn', 'aws-us-gov'])('leaves no literal arn:aws: in any definition rendered for %s', (partition) => {
    // Prepare
    const texts = [
      ...machines.map((machine) => [machine.definitionUri, machine.text, machine.substitutions] as const),
      ['example-parent', exampleParent, {}] as const,
    ];

    // Act
    const results = texts.map(([name, text, substitutions]) => [name, rendered(text, substitutions, partition)] as const);

    // Assess
    for (const [name, text] of results) {
      expect(text, name).toContain(`arn:${partition}:states:::`);
      if (partition !== 'aws') expect(text, name).not.toMatch(/arn:aws:/);
    }
  });

  it('builds every ARN in template.yaml from AWS::Partition', () => {
    // Prepare
    const text = readFileSync(join(projectRoot, 'template.yaml'), 'utf8');

    // Act
    const literal = text.split('\n').filter((line) => /arn:aws[:-]/.test(line) && !line.trim().startsWith('#'));

    // Assess
    expect(literal).toEqual([]);
    expect(text).toContain('arn:${AWS::Partition}:');
  });
});

describe('state machine logging and outputs', () => {
  const template = loadTemplate();
  const machines = resourcesOfType(template, ...STATE_MACHINE_TYPES);

  it('logs every state machine to a log group of this template', () => {
    // Prepare
    const findings: string[] = [];
    // Act
    for (const [logicalId, resource] of machines) {
      const logging = resource.Properties?.Logging;
      if (!isObject(logging) || logging.Level === 'OFF' || !Array.isArray(logging.Destinations) || logging.Destinations.length === 0) {
        findings.push(`${logicalId}: no Logging destination`);
        continue;
      }
      for (const destination of logging.Destinations) {
        const groupArn =
          isObject(destination) && isObject(destination.CloudWatchLogsLogGroup)
            ? destination.CloudWatchLogsLogGroup.LogGroupArn
            : undefined;
        const target = getAttTarget(groupArn);
        if (!target || target[1] !== 'Arn' || template.Resources[target[0]]?.Type !== 'AWS::Logs::LogGroup') {
          findings.push(
            `${logicalId}: log destination ${JSON.stringify(groupArn)} is not Fn::GetAtt [<a log group of this template>, Arn]`,
          );
        }
      }
    }
    // Assess
    expect(machines.length).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  });

  it('outputs the ARN and the name of every state machine', () => {
    // Prepare
    const values = Object.values(template.Outputs ?? {}).map((output) => output.Value);
    // Act
    const missing = machines.flatMap(([logicalId]) => {
      const arn = values.some(
        (value) => refTarget(value) === logicalId || JSON.stringify(getAttTarget(value)) === JSON.stringify([logicalId, 'Arn']),
      );
      const name = values.some((value) => JSON.stringify(getAttTarget(value)) === JSON.stringify([logicalId, 'Name']));
      return [...(arn ? [] : [`${logicalId} ARN`]), ...(name ? [] : [`${logicalId} name`])];
    });
    // Assess
    expect(missing).toEqual([]);
  });
});

describe('the drain loop of statemachine/graceful-stop.asl.json', () => {
  const definition = JSON.parse(readFileSync(join(projectRoot, 'statemachine', 'graceful-stop.asl.json'), 'utf8')) as {
    States: Record<string, Record<string, unknown>>;
  };

  it("waits for the run's end event when the next poll is more than 2 s away, and falls back to the plain Wait", () => {
    // Act
    const choices = definition.States['Pipeline Drained?']?.Choices as Array<{ Next: string; And?: unknown[] }>;
    const eventWait = definition.States['Wait For Run Events'];

    // Assess
    expect(choices.map((choice) => choice.Next)).toEqual([
      'Report Outcome',
      'Release Callback Steps',
      'Wait For Run Events',
      'Wait For Drain',
    ]);
    expect(JSON.stringify(choices[2]?.And)).toContain('"NumericGreaterThan":2');
    expect(eventWait).toMatchObject({
      Type: 'Task',
      Resource: 'arn:${Partition}:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: '${WaitForRunEventsFunctionArn}',
        Payload: { 'taskToken.$': '$$.Task.Token', 'stopExecutionArn.$': '$$.Execution.Id' },
      },
      TimeoutSecondsPath: '$.check.nextWaitSeconds',
      ResultPath: null,
      Next: 'Check Pipeline Execution',
      Catch: [
        { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'Check Pipeline Execution' },
        { ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Wait For Drain' },
      ],
    });
    expect(definition.States['Wait For Drain']).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.check.nextWaitSeconds',
      Next: 'Check Pipeline Execution',
    });
  });
});
