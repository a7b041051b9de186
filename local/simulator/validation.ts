import { serializationError, validationError } from './errors.js';
import type { JsonObject, NameValue } from './types.js';

/**
 * Reads request members and collects constraint violations in SageMaker's wording, e.g.
 * "1 validation error detected: Value null at 'pipelineExecutionArn' failed to satisfy
 * constraint: Member must not be null". Call `assertValid()` before using the values.
 * A member of the wrong JSON type cannot be read at all: like an AWS JSON service, that is a
 * SerializationException, answered before any constraint is checked.
 */

interface StringRule {
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  oneOf?: readonly string[];
}

interface IntegerRule {
  required?: boolean;
  min?: number;
  max?: number;
}

const memberName = (field: string): string => field.charAt(0).toLowerCase() + field.slice(1);
const quote = (value: unknown): string => `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;

export class RequestReader {
  private readonly violations: string[] = [];
  private readonly wrongTypes: string[] = [];

  constructor(private readonly body: JsonObject) {}

  string(field: string, rule: StringRule & { required: true }): string;
  string(field: string, rule?: StringRule): string | undefined;
  string(field: string, rule: StringRule = {}): string | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      if (rule.required) this.violate(null, field, 'Member must not be null');
      return rule.required ? '' : undefined;
    }
    if (typeof value !== 'string') {
      this.wrongType(value, field, 'a string');
      return '';
    }
    if (rule.minLength !== undefined && value.length < rule.minLength) {
      this.violate(value, field, `Member must have length greater than or equal to ${rule.minLength}`);
    }
    if (rule.maxLength !== undefined && value.length > rule.maxLength) {
      this.violate(value, field, `Member must have length less than or equal to ${rule.maxLength}`);
    }
    if (rule.pattern && !rule.pattern.test(value)) {
      this.violate(value, field, `Member must satisfy regular expression pattern: ${rule.pattern.source}`);
    }
    if (rule.oneOf && !rule.oneOf.includes(value)) {
      this.violate(value, field, `Member must satisfy enum value set: [${rule.oneOf.join(', ')}]`);
    }
    return value;
  }

  integer(field: string, rule: IntegerRule = {}): number | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) {
      if (rule.required) this.violate(null, field, 'Member must not be null');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.wrongType(value, field, 'an integer');
      return undefined;
    }
    if (rule.min !== undefined && value < rule.min) {
      this.violate(value, field, `Member must have value greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && value > rule.max) {
      this.violate(value, field, `Member must have value less than or equal to ${rule.max}`);
    }
    return value;
  }

  /** Timestamps arrive as epoch seconds (SDKs, AWS CLI); ISO strings are accepted too. */
  timestamp(field: string): number | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) / 1000 : NaN;
    if (!Number.isFinite(seconds)) {
      this.wrongType(value, field, 'a timestamp (epoch seconds)');
      return undefined;
    }
    return seconds;
  }

  /** Lists of `{Name, Value}` (OutputParameters, PipelineParameters). */
  nameValueList(field: string, maxItems: number): NameValue[] | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.wrongType(value, field, 'a list');
      return undefined;
    }
    if (value.length > maxItems) {
      this.violate(value, field, `Member must have length less than or equal to ${maxItems}`);
    }
    const items: NameValue[] = [];
    for (const item of value) {
      const isPair =
        item !== null &&
        typeof item === 'object' &&
        !Array.isArray(item) &&
        typeof item['Name'] === 'string' &&
        typeof item['Value'] === 'string';
      if (!isPair) {
        this.wrongType(item, field, 'a list of {Name, Value} string pairs');
        return undefined;
      }
      items.push({ Name: item['Name'] as string, Value: item['Value'] as string });
    }
    return items;
  }

  assertValid(): void {
    if (this.wrongTypes.length > 0) throw serializationError(this.wrongTypes.join(' '));
    const count = this.violations.length;
    if (count === 0) return;
    const noun = count === 1 ? 'validation error' : 'validation errors';
    throw validationError(`${count} ${noun} detected: ${this.violations.join('; ')}`);
  }

  private wrongType(value: unknown, field: string, expected: string): void {
    const actual =
      value === null
        ? 'null'
        : Array.isArray(value)
          ? 'a list'
          : typeof value === 'object'
            ? 'an object'
            : `the ${typeof value} ${quote(value).slice(0, 80)}`;
    this.wrongTypes.push(`Member '${memberName(field)}' is ${actual}; expected ${expected}.`);
  }

  private violate(value: unknown, field: string, constraint: string): void {
    const shown = value === null ? 'null' : quote(value);
    this.violations.push(`Value ${shown} at '${memberName(field)}' failed to satisfy constraint: ${constraint}`);
  }
}

/** Shared member constraints from the SageMaker API reference. */
export const PATTERNS = {
  pipelineName: /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/,
  pipelineNameOrArn: /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:pipeline\/.*)?([a-zA-Z0-9](-*[a-zA-Z0-9]){0,255})$/,
  pipelineExecutionArn: /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:pipeline\/.*\/execution\/.*$/,
  roleArn: /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/,
  callbackToken: /^[a-zA-Z0-9]+$/,
} as const;

export const CLIENT_REQUEST_TOKEN = { minLength: 32, maxLength: 128 } as const;
