/**
 * A Condition step's `Conditions`, evaluated as SageMaker does: all of them must hold. Values are
 * literals or expressions (`{"Get": "Parameters.X"}`, ...) resolved like callback arguments.
 * Types: Equals, GreaterThan, GreaterThanOrEqualTo, LessThan, LessThanOrEqualTo, In, Not, Or.
 */
import { resolveArguments } from './arguments.js';
import { isJsonObject, type Execution, type JsonValue } from './types.js';

const resolve = (value: JsonValue | undefined, execution: Execution): JsonValue | undefined =>
  value === undefined ? undefined : resolveArguments({ value }, execution)['value'];

const compare = (left: JsonValue | undefined, right: JsonValue | undefined): number => {
  const a = Number(left);
  const b = Number(right);
  return Number.isFinite(a) && Number.isFinite(b) ? a - b : String(left).localeCompare(String(right));
};

function holds(condition: JsonValue, execution: Execution): boolean {
  if (!isJsonObject(condition)) return false;
  const left = resolve(condition['LeftValue'], execution);
  const right = resolve(condition['RightValue'], execution);
  switch (condition['Type']) {
    case 'Equals':
      return compare(left, right) === 0;
    case 'GreaterThan':
      return compare(left, right) > 0;
    case 'GreaterThanOrEqualTo':
      return compare(left, right) >= 0;
    case 'LessThan':
      return compare(left, right) < 0;
    case 'LessThanOrEqualTo':
      return compare(left, right) <= 0;
    case 'In': {
      const query = resolve(condition['QueryValue'], execution);
      const values = condition['Values'];
      return Array.isArray(values) && values.some((value) => compare(resolve(value, execution), query) === 0);
    }
    case 'Not':
      return condition['Condition'] !== undefined && !holds(condition['Condition'], execution);
    case 'Or': {
      const any = condition['Conditions'];
      return Array.isArray(any) && any.some((inner) => holds(inner, execution));
    }
    default:
      return false;
  }
}

/** Whether the step's Conditions all hold (no Conditions: true). */
export function evaluateConditions(conditions: JsonValue | undefined, execution: Execution): boolean {
  if (conditions === undefined) return true;
  return Array.isArray(conditions) && conditions.every((condition) => holds(condition, execution));
}
