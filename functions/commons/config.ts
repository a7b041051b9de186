import { ConfigurationError } from './errors.js';

/** Reads a required environment variable once; a missing one is a deployment bug worth a loud error. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined) {
    throw new ConfigurationError(`Environment variable ${name} is not set; the function cannot start without it.`);
  }
  return value;
}

/** Reads a required integer environment variable within [min, max]. */
export function requireIntegerEnv(name: string, bounds: { min: number; max: number }, env: NodeJS.ProcessEnv = process.env): number {
  const raw = requireEnv(name, env);
  // Decimal digits only: Number() would read '' and '  ' as 0, and accept '0x10' or '1e2'.
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw new ConfigurationError(`Environment variable ${name} is "${raw}"; expected an integer from ${bounds.min} to ${bounds.max}.`);
  }
  return value;
}

/** Like requireIntegerEnv, but an empty string means "not configured". */
export function optionalIntegerEnv(
  name: string,
  bounds: { min: number; max: number },
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  return requireIntegerEnv(name, bounds, env);
}
