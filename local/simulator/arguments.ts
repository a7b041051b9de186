import type { Execution, JsonObject, JsonValue } from './types.js';

/**
 * Resolves the pipeline expressions SageMaker evaluates before sending a callback
 * message: `{"Get": "Parameters.X"}`, `{"Get": "Execution.PipelineExecutionArn"}`
 * (and `PipelineExecutionId`, `PipelineName`) and `{"Std:Join": {"On", "Values"}}`.
 * Anything else (e.g. step properties) is passed through unchanged.
 */
export function resolveArguments(args: JsonObject, execution: Execution): JsonObject {
  const resolved: JsonObject = {};
  for (const [key, value] of Object.entries(args)) resolved[key] = resolveValue(value, execution);
  return resolved;
}

function resolveValue(value: JsonValue, execution: Execution): JsonValue {
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, execution));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const get = value['Get'];
  if (keys.length === 1 && typeof get === 'string') return resolveGet(get, execution) ?? value;
  const join = value['Std:Join'];
  if (keys.length === 1 && join !== null && typeof join === 'object' && !Array.isArray(join)) {
    const values = join['Values'];
    if (Array.isArray(values)) {
      const separator = typeof join['On'] === 'string' ? join['On'] : '';
      return values.map((item) => String(resolveValue(item, execution))).join(separator);
    }
  }
  return resolveArguments(value, execution);
}

/** A parameter's value as its Type makes it: SageMaker keeps numbers numbers and booleans booleans in a callback message. */
function typedParameter(execution: Execution, name: string): JsonValue | undefined {
  const value = execution.parameters[name];
  if (value === undefined) return undefined;
  switch (execution.pipeline.parameterTypes[name]) {
    case 'Integer':
    case 'Float': {
      const number = Number(value);
      return Number.isFinite(number) ? number : value;
    }
    case 'Boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    default:
      return value;
  }
}

function resolveGet(path: string, execution: Execution): JsonValue | undefined {
  if (path.startsWith('Parameters.')) return typedParameter(execution, path.slice('Parameters.'.length));
  switch (path) {
    case 'Execution.PipelineExecutionArn':
      return execution.arn;
    case 'Execution.PipelineExecutionId':
      return execution.id;
    case 'Execution.PipelineName':
      return execution.pipeline.name;
    default:
      return undefined;
  }
}
