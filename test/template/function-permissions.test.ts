/**
 * Least privilege, the parts least-privilege.test.ts does not already
 * prove: each function is granted exactly the SageMaker and
 * EventBridge actions its code calls (read from the source, import by
 * import), every log line lands in a log group with a retention, and no SQS
 * queue is created behind the template's back (SAM-made queues would be
 * unencrypted).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, walkPolicies, type PolicyTemplates, type PolicyWalk } from '#test/support/iam-policies.js';
import {
  asList,
  functionProperty,
  getAttTarget,
  isObject,
  loadTemplate,
  projectRoot,
  readVendoredSchema,
  refTarget,
  resourcesOfType,
  type Template,
} from '#test/support/template.js';

/** SDK client package → IAM service prefix, for the services whose calls the code makes itself. */
const SDK_SERVICES: Record<string, string> = { '@aws-sdk/client-sagemaker': 'sagemaker', '@aws-sdk/client-eventbridge': 'events' };

/** package.json's subpath imports ("#pipeline-runs/*" → "./functions/pipeline-runs/*"): where a `#name/x.js` import lives. */
const SUBPATHS = Object.entries(
  (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { imports: Record<string, string> }).imports,
).map(([pattern, target]) => [pattern.replace('*', ''), join(projectRoot, target.replace('*', ''))] as const);

/** Every source file a handler reaches through relative or subpath runtime imports (not `import type`), itself included. */
function sourcesReachedFrom(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, typeOnly, path = ''] of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s+(type\s+)?[^;]*?from\s+'((?:\.{1,2}\/|#)[^']+)\.js'/g,
    )) {
      if (typeOnly) continue;
      const subpath = SUBPATHS.find(([prefix]) => path.startsWith(prefix));
      visit(subpath ? `${join(subpath[1], path.slice(subpath[0].length))}.ts` : resolve(dirname(file), `${path}.ts`));
    }
  };
  visit(entry);
  return [...seen];
}

/** The IAM actions a set of source files calls: `new XCommand(...)` of an SDK client listed in SDK_SERVICES. */
export function actionsCalledBy(files: string[]): string[] {
  const actions = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [, names = '', module = ''] of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z-]+)'/g)) {
      const service = SDK_SERVICES[module];
      if (!service) continue;
      for (const name of names
        .split(',')
        .map((part) => part.trim())
        .filter((part) => !part.startsWith('type '))) {
        const command = /^(\w+)Command$/.exec(name)?.[1];
        if (command && new RegExp(`new\\s+${name}\\s*\\(`).test(text)) actions.add(`${service}:${command}`);
      }
    }
  }
  return [...actions].sort();
}

/** The handler source of a SAM function: CodeUri + its esbuild entry point (the module Handler names). */
function handlerSource(template: Template, logicalId: string): string {
  const resource = template.Resources[logicalId];
  const codeUri = String(resource ? (functionProperty(template, resource, 'CodeUri') ?? '') : '');
  const properties = resource?.Metadata?.BuildProperties as { EntryPoints?: string[] } | undefined;
  const entry = String(properties?.EntryPoints?.[0] ?? '');
  return join(projectRoot, codeUri, entry);
}

/** The actions of the given services the template grants a function (both branches of every condition). */
function actionsGranted(walk: PolicyWalk, owner: string, services: string[]): string[] {
  const actions = walk.statements
    .filter((found) => found.owner === owner && found.statement.Effect === 'Allow')
    .flatMap((found) => actionsOf(found.statement))
    .filter((action): action is string => typeof action === 'string' && services.includes(action.split(':')[0] ?? ''));
  return [...new Set(actions)].sort();
}

/** The logical id a log-group reference (Ref, or GetAtt .Arn) points at. */
const logGroupTarget = (value: unknown): string | undefined => refTarget(value) ?? getAttTarget(value)?.[0];

describe('actionsCalledBy', () => {
  it('reads the commands a handler calls through its imports', () => {
    // Prepare
    const files = sourcesReachedFrom(join(projectRoot, 'functions', 'graceful-stop', 'release-callback-steps.ts'));
    // Act
    const actions = actionsCalledBy(files);
    // Assess
    expect(files.map((file) => file.slice(projectRoot.length + 1))).toContain('functions/graceful-stop/release-callback-steps.logic.ts');
    expect(actions).toEqual(['sagemaker:ListPipelineExecutionSteps', 'sagemaker:SendPipelineExecutionStepFailure']);
  });

  it('follows subpath imports into the shared rooms: a step that releases through the shared release calls what it calls', () => {
    // Act
    const files = sourcesReachedFrom(join(projectRoot, 'functions', 'stop-all', 'signal-and-sweep.ts'));
    // Assess
    expect(files.map((file) => file.slice(projectRoot.length + 1))).toContain('functions/pipeline-runs/callback-release.ts');
    expect(actionsCalledBy(files)).toEqual([
      'sagemaker:DescribeAutoMLJob',
      'sagemaker:DescribeHyperParameterTuningJob',
      'sagemaker:DescribePipelineExecution',
      'sagemaker:DescribeProcessingJob',
      'sagemaker:DescribeTrainingJob',
      'sagemaker:DescribeTransformJob',
      'sagemaker:ListPipelineExecutionSteps',
      'sagemaker:ListPipelineExecutions',
      'sagemaker:SendPipelineExecutionStepFailure',
      'sagemaker:StopAutoMLJob',
      'sagemaker:StopHyperParameterTuningJob',
      'sagemaker:StopPipelineExecution',
      'sagemaker:StopProcessingJob',
      'sagemaker:StopTrainingJob',
      'sagemaker:StopTransformJob',
    ]);
  });

  it('follows runtime imports and re-exports but not type-only imports, and ignores commands that are only typed', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'actions-called-'));
    const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
    write(
      'entry.ts',
      "import type { Shape } from './typed.js';\nimport { \n  run, \n } from './runtime.js';\nexport { more } from './reexported.js';\n",
    );
    write('typed.ts', "import { DeletePipelineCommand } from '@aws-sdk/client-sagemaker';\nnew DeletePipelineCommand({});\n");
    write(
      'runtime.ts',
      "import { StopPipelineExecutionCommand, type DescribePipelineExecutionCommand } from '@aws-sdk/client-sagemaker';\nnew StopPipelineExecutionCommand({});\n",
    );
    write(
      'reexported.ts',
      "import { PutEventsCommand } from '@aws-sdk/client-eventbridge';\nimport { ListQueuesCommand } from '@aws-sdk/client-sqs';\nnew PutEventsCommand({}); new ListQueuesCommand({});\n",
    );
    // Act
    const actions = actionsCalledBy(sourcesReachedFrom(join(dir, 'entry.ts')));
    rmSync(dir, { recursive: true, force: true });
    // Assess
    expect(actions).toEqual(['events:PutEvents', 'sagemaker:StopPipelineExecution']);
  });
});

describe('least privilege in template.yaml, function by function', () => {
  let template: Template;
  let walk: PolicyWalk;

  beforeAll(() => {
    template = loadTemplate();
    walk = walkPolicies(template, readVendoredSchema('policy_templates.json') as PolicyTemplates);
  });

  it('grants each function exactly the SageMaker and EventBridge actions its code calls, no more and no fewer', () => {
    // Prepare
    const functions = resourcesOfType(template, 'AWS::Serverless::Function');
    const services = Object.values(SDK_SERVICES);
    // Act
    const compared = functions.map(([logicalId]) => {
      const source = handlerSource(template, logicalId);
      return {
        logicalId,
        source: existsSync(source),
        granted: actionsGranted(walk, logicalId, services),
        called: actionsCalledBy(sourcesReachedFrom(source)),
      };
    });
    // Assess
    expect(functions.length).toBeGreaterThan(0);
    for (const { logicalId, source, granted, called } of compared) {
      expect(source, `${logicalId}: handler source found`).toBe(true);
      expect(granted, `${logicalId}: granted actions = actions its code calls`).toEqual(called);
    }
  });

  it('never lets any function answer a callback step with success unless its code does (the release only fails steps)', () => {
    // Prepare
    const success = 'sagemaker:SendPipelineExecutionStepSuccess';
    // Act
    const holders = resourcesOfType(template, 'AWS::Serverless::Function')
      .filter(([logicalId]) => actionsGranted(walk, logicalId, ['sagemaker']).includes(success))
      .map(([logicalId]) => logicalId);
    // Assess
    expect(
      holders.filter((logicalId) => !actionsCalledBy(sourcesReachedFrom(handlerSource(template, logicalId))).includes(success)),
    ).toEqual([]);
    expect(holders).not.toContain('ReleaseCallbackStepsFunction');
  });

  it('sends every function log to a log group of this template that has a retention', () => {
    // Prepare
    const functions = resourcesOfType(template, 'AWS::Serverless::Function', 'AWS::Lambda::Function');
    // Act
    const problems = functions.flatMap(([logicalId, resource]) => {
      const config = functionProperty(template, resource, 'LoggingConfig');
      const target = logGroupTarget(isObject(config) ? config.LogGroup : undefined);
      const group = target === undefined ? undefined : template.Resources[target];
      if (group?.Type !== 'AWS::Logs::LogGroup')
        return [
          `${logicalId}: LoggingConfig.LogGroup is not a log group of this template (Lambda would create one that keeps logs forever)`,
        ];
      return group.Properties?.RetentionInDays === undefined ? [`${logicalId}: log group ${target} has no RetentionInDays`] : [];
    });
    // Assess
    expect(functions.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('sends every state machine log to a log group of this template that has a retention', () => {
    // Prepare
    const machines = resourcesOfType(template, 'AWS::Serverless::StateMachine', 'AWS::StepFunctions::StateMachine');
    // Act
    const problems = machines.flatMap(([logicalId, resource]) => {
      const logging = resource.Properties?.Logging ?? resource.Properties?.LoggingConfiguration;
      const destinations = asList(isObject(logging) ? logging.Destinations : undefined);
      if (destinations.length === 0) return [`${logicalId}: no log destination`];
      return destinations.flatMap((destination) => {
        const arn =
          isObject(destination) && isObject(destination.CloudWatchLogsLogGroup)
            ? destination.CloudWatchLogsLogGroup.LogGroupArn
            : undefined;
        const target = logGroupTarget(arn);
        const group = target === undefined ? undefined : template.Resources[target];
        if (group?.Type !== 'AWS::Logs::LogGroup') return [`${logicalId}: a destination is not a log group of this template`];
        return group.Properties?.RetentionInDays === undefined ? [`${logicalId}: log group ${target} has no RetentionInDays`] : [];
      });
    });
    // Assess
    expect(machines.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('creates no SQS queue implicitly: every dead-letter queue is a declared (and so encryption-checked) AWS::SQS::Queue', () => {
    // Prepare
    const owners = resourcesOfType(template, 'AWS::Serverless::Function', 'AWS::Serverless::StateMachine');
    // Act
    const implicit = owners.flatMap(([logicalId, resource]) => {
      const found: string[] = [];
      const deadLetterQueue = resource.Properties?.DeadLetterQueue;
      if (isObject(deadLetterQueue) && deadLetterQueue.TargetArn === undefined) found.push(`${logicalId}.DeadLetterQueue`);
      for (const [eventId, event] of Object.entries(isObject(resource.Properties?.Events) ? resource.Properties.Events : {})) {
        const config = isObject(event) && isObject(event.Properties) ? event.Properties.DeadLetterConfig : undefined;
        // DeadLetterConfig with Type (and no Arn) makes SAM create a queue; with Arn it must name a declared queue.
        if (isObject(config) && config.Arn === undefined) found.push(`${logicalId}.Events.${eventId}.DeadLetterConfig (SAM-created queue)`);
        if (
          isObject(config) &&
          config.Arn !== undefined &&
          template.Resources[getAttTarget(config.Arn)?.[0] ?? '']?.Type !== 'AWS::SQS::Queue'
        ) {
          found.push(`${logicalId}.Events.${eventId}.DeadLetterConfig.Arn is not a queue of this template`);
        }
      }
      return found;
    });
    // Assess
    expect(implicit).toEqual([]);
  });
});
