import { checkNamesAndDependencies } from './dependencies.js';
import { validationError } from './errors.js';
import { readSimulation } from './simulation.js';
import { assertShallow } from './protocol.js';
import { SUPPORTED_STEP_TYPES, stepTypeInfo } from './step-types.js';
import { isJsonObject as isObject, type JsonValue, type RetryPolicy, type StepDefinition } from './types.js';

/**
 * Parses and checks a pipeline definition (`Version: "2020-12-01"`). Every
 * problem found is reported in one ValidationException so a test author can
 * fix the definition in one go.
 */

export interface ParsedDefinition {
  steps: StepDefinition[];
  parameterDefaults: Record<string, string>;
  /** Each parameter's Type (String, Integer, Float, Boolean): what its value is when a step reads it. */
  parameterTypes: Record<string, ParameterType>;
}

const STEP_NAME = /^[A-Za-z0-9\-_]{1,64}$/;

export function parsePipelineDefinition(definitionJson: string): ParsedDefinition {
  let document: JsonValue;
  try {
    document = JSON.parse(definitionJson) as JsonValue;
  } catch (error) {
    throw validationError(`Invalid pipeline definition: not valid JSON (${(error as Error).message})`);
  }
  const problems: string[] = [];
  if (!isObject(document)) throw validationError('Invalid pipeline definition: the document must be a JSON object');
  assertShallow(document, 'Invalid pipeline definition: the document');

  const version = document['Version'];
  if (version !== undefined && version !== '2020-12-01') {
    problems.push(`Version must be "2020-12-01", got ${JSON.stringify(version)}`);
  }
  const parameterTypes: Record<string, ParameterType> = {};
  const parameterDefaults = readParameters(document['Parameters'], problems, parameterTypes);
  const rawSteps = document['Steps'];
  const steps: StepDefinition[] = [];
  if (!Array.isArray(rawSteps) || rawSteps.length === 0) {
    problems.push('"Steps" must be a non-empty array');
  } else {
    rawSteps.forEach((raw, index) => {
      const step = readStep(raw, index, problems);
      if (!step) return;
      steps.push(step);
      // A Condition step's IfSteps and ElseSteps are steps of the pipeline that run only on their branch.
      for (const branch of ['If', 'Else'] as const) {
        const nested = step.type === 'Condition' ? step.arguments[`${branch}Steps`] : undefined;
        if (nested === undefined) continue;
        if (!Array.isArray(nested)) {
          problems.push(`step '${step.name}': "Arguments.${branch}Steps" must be an array of steps`);
          continue;
        }
        nested.forEach((rawNested, nestedIndex) => {
          const child = readStep(rawNested, nestedIndex, problems);
          if (child) steps.push({ ...child, branchOf: { condition: step.name, branch } });
        });
      }
    });
    checkNamesAndDependencies(steps, problems);
  }
  if (problems.length > 0) throw validationError(`Invalid pipeline definition: ${problems.join('; ')}`);
  return { steps, parameterDefaults, parameterTypes };
}

export const PARAMETER_TYPES = ['String', 'Integer', 'Float', 'Boolean'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

function readParameters(raw: JsonValue | undefined, problems: string[], types: Record<string, ParameterType>): Record<string, string> {
  const defaults: Record<string, string> = {};
  if (raw === undefined) return defaults;
  if (!Array.isArray(raw)) {
    problems.push('"Parameters" must be an array');
    return defaults;
  }
  for (const parameter of raw) {
    if (!isObject(parameter) || typeof parameter['Name'] !== 'string') {
      problems.push('every parameter needs a string "Name"');
      continue;
    }
    const value = parameter['DefaultValue'];
    defaults[parameter['Name']] = value === undefined || value === null ? '' : String(value);
    const type = parameter['Type'] ?? 'String';
    if (typeof type !== 'string' || !(PARAMETER_TYPES as readonly string[]).includes(type)) {
      problems.push(`parameter "${parameter['Name']}": "Type" must be one of ${PARAMETER_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
      continue;
    }
    types[parameter['Name']] = type as ParameterType;
  }
  return defaults;
}

function readStep(raw: JsonValue, index: number, problems: string[]): StepDefinition | undefined {
  if (!isObject(raw)) {
    problems.push(`Steps[${index}] must be an object`);
    return undefined;
  }
  const name = raw['Name'];
  const label = typeof name === 'string' ? `step '${name}'` : `Steps[${index}]`;
  if (typeof name !== 'string' || !STEP_NAME.test(name)) {
    problems.push(`${label}: "Name" must match ${STEP_NAME.source}`);
    return undefined;
  }
  const type = raw['Type'];
  const info = typeof type === 'string' ? stepTypeInfo(type) : undefined;
  if (typeof type !== 'string' || !info) {
    problems.push(`${label}: "Type" must be one of ${SUPPORTED_STEP_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
    return undefined;
  }
  const args = raw['Arguments'];
  if (args !== undefined && !isObject(args)) problems.push(`${label}: "Arguments" must be an object`);
  if (args === undefined && info.argumentsRequired) problems.push(`${label}: ${type} steps require "Arguments"`);

  const dependsOn = raw['DependsOn'] ?? [];
  if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string')) {
    problems.push(`${label}: "DependsOn" must be an array of step names`);
  }
  const definition: StepDefinition = {
    name,
    type,
    dependsOn: Array.isArray(dependsOn) ? dependsOn.filter((d): d is string => typeof d === 'string') : [],
    arguments: isObject(args) ? args : {},
    simulation: readSimulation(raw['Simulation'], type, label, problems),
    retryPolicies: readRetryPolicies(raw['RetryPolicies'], label, problems),
  };
  if (typeof raw['DisplayName'] === 'string') definition.displayName = raw['DisplayName'];
  if (typeof raw['Description'] === 'string') definition.description = raw['Description'];

  if (info.kind === 'callback') {
    const queueUrl = raw['SqsQueueUrl'];
    if (typeof queueUrl !== 'string' || !/^https?:\/\/\S+$/.test(queueUrl)) {
      problems.push(`${label}: Callback steps require a top-level "SqsQueueUrl" (an http(s) SQS queue URL)`);
    } else {
      definition.sqsQueueUrl = queueUrl;
    }
  }
  if (info.kind === 'lambda') {
    const functionArn = raw['FunctionArn'];
    if (typeof functionArn !== 'string' || !/^arn:aws[a-z-]*:lambda:/.test(functionArn)) {
      problems.push(`${label}: Lambda steps require a top-level "FunctionArn" (a Lambda function ARN)`);
    } else {
      definition.functionArn = functionArn;
    }
  }
  const outputParameters = raw['OutputParameters'];
  if (outputParameters !== undefined && !Array.isArray(outputParameters)) {
    problems.push(`${label}: "OutputParameters" must be an array of {OutputName, OutputType}`);
  }
  return definition;
}

/** The exception types SageMaker's step retry policies name. */
export const RETRYABLE_EXCEPTIONS = [
  'Step.SERVICE_FAULT',
  'Step.THROTTLING',
  'SageMaker.JOB_INTERNAL_ERROR',
  'SageMaker.CAPACITY_ERROR',
  'SageMaker.RESOURCE_LIMIT',
] as const;

function readRetryPolicies(raw: JsonValue | undefined, label: string, problems: string[]): RetryPolicy[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${label}: "RetryPolicies" must be an array`);
    return [];
  }
  const policies: RetryPolicy[] = [];
  for (const policy of raw) {
    const types = isObject(policy) ? policy['ExceptionType'] : undefined;
    if (
      !isObject(policy) ||
      !Array.isArray(types) ||
      types.some((type) => !(RETRYABLE_EXCEPTIONS as readonly JsonValue[]).includes(type))
    ) {
      problems.push(`${label}: every retry policy needs "ExceptionType", a list of ${RETRYABLE_EXCEPTIONS.join(', ')}`);
      continue;
    }
    const number = (key: string, fallback: number, min: number, max: number): number => {
      const value = policy[key];
      if (value === undefined) return fallback;
      if (typeof value !== 'number' || value < min || value > max) {
        problems.push(`${label}: retry policy "${key}" must be a number from ${min} to ${max}`);
        return fallback;
      }
      return value;
    };
    policies.push({
      exceptionTypes: types as string[],
      intervalSeconds: number('IntervalSeconds', 1, 1, 300),
      backoffRate: number('BackoffRate', 2, 1, 10),
      maxAttempts: Math.round(number('MaxAttempts', 5, 1, 20)),
    });
  }
  return policies;
}
