/**
 * An ASL definition as the embedded engine runs it: `${Key}` substituted as DefinitionSubstitutions
 * does, every state visited (nested Map and Parallel too), and a Task's TimeoutSecondsPath handed to
 * the runner, which enforces it as Step Functions does.
 */
import { NamedError } from '#commons/errors.js';

type Json = unknown;

export type StateDefinition = {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Parameters?: Record<string, unknown>;
  SecondsPath?: string;
  Iterator?: Definition;
  ItemProcessor?: Definition;
  Branches?: Definition[];
};
export type Definition = { StartAt: string; States: Record<string, StateDefinition> };

export class SubstitutionMissing extends NamedError {
  constructor(key: string) {
    super('SubstitutionMissing', `The definition uses \${${key}} but no substitution was given for it.`);
  }
}

/** Replaces `${Key}` like DefinitionSubstitutions; an unknown key is an error, never left in place. */
export function substitute(text: string, substitutions: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, key: string) => {
    const value = substitutions[key];
    if (value === undefined) throw new SubstitutionMissing(key);
    return value;
  });
}

export function forEachState(definition: Definition, visit: (name: string, state: StateDefinition) => void): void {
  for (const [name, state] of Object.entries(definition.States)) {
    visit(name, state);
    const nested = [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])].filter(Boolean) as Definition[];
    nested.forEach((child) => forEachState(child, visit));
  }
}

/** A TimeoutSecondsPath that points at no positive integer fails the state, as on AWS. */
export class InvalidTimeoutPath extends NamedError {
  constructor(stateName: string, value: unknown) {
    super(
      'States.Runtime',
      `State "${stateName}": TimeoutSecondsPath points at ${JSON.stringify(value) ?? 'nothing'}; expected a positive integer.`,
    );
  }
}

export function positiveSeconds(value: unknown, stateName: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new InvalidTimeoutPath(stateName, value);
  return value;
}

/** Where the engine hands the runner a TimeoutSecondsPath's value (never passed on to the task). */
export const TIMEOUT_FIELD = '__localTimeoutSeconds';

/**
 * The definition as the engine runs it: a Task's TimeoutSecondsPath is enforced here (withTaskTimeout,
 * read from the state input as Step Functions reads it), because the engine would read it from the
 * task's parameters instead; the engine gets a limit it never reaches.
 */
export function forEngine(definition: Definition): Definition {
  const copy = JSON.parse(JSON.stringify(definition)) as Definition;
  forEachState(copy, (_, state) => {
    if (state.Type === 'Task' && state.TimeoutSecondsPath !== undefined) {
      // The engine evaluates the path on the state input into a field of the task's input, which the runner takes out again.
      state.Parameters = { ...state.Parameters, [`${TIMEOUT_FIELD}.$`]: state.TimeoutSecondsPath };
      delete state.TimeoutSecondsPath;
      // Below 2^31 ms, the most a Node timer holds (a larger one fires at once).
      state.TimeoutSeconds = 2_000_000;
    }
  });
  return copy;
}

export function valueAt(document: Json, path: string): Json {
  return path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)
    .reduce<Json>((node, key) => (node && typeof node === 'object' ? (node as Record<string, Json>)[key] : undefined), document);
}
