import { describe, expect, it } from 'vitest';
import { optionalIntegerEnv, requireEnv, requireIntegerEnv } from '#commons/config.js';

const bounds = { min: 1, max: 300 };

describe('requireEnv', () => {
  it('returns the value of a set variable', () => {
    // Act / Assess
    expect(requireEnv('EVENT_BUS', { EVENT_BUS: 'my-bus' })).toBe('my-bus');
  });

  it('returns an empty value as it is (empty can mean "disabled")', () => {
    // Act / Assess
    expect(requireEnv('EVENT_BUS', { EVENT_BUS: '' })).toBe('');
  });

  it('throws ConfigurationError naming a missing variable', () => {
    // Act / Assess
    expect(() => requireEnv('EVENT_BUS', {})).toThrow(
      expect.objectContaining({ name: 'ConfigurationError', message: expect.stringContaining('EVENT_BUS is not set') }),
    );
  });

  it('reads process.env by default', () => {
    // Act / Assess
    expect(requireEnv('POLL_CAP_SECONDS')).toBe('20');
  });
});

describe('requireIntegerEnv', () => {
  it.each([
    ['the lower bound', '1', 1],
    ['the upper bound', '300', 300],
    ['a value inside', '20', 20],
  ])('accepts %s', (_label, raw, expected) => {
    // Act / Assess
    expect(requireIntegerEnv('POLL_CAP_SECONDS', bounds, { POLL_CAP_SECONDS: raw })).toBe(expected);
  });

  it('accepts 0 when the bounds allow it', () => {
    // Act / Assess
    expect(requireIntegerEnv('WATCH_SECONDS', { min: 0, max: 600 }, { WATCH_SECONDS: '0' })).toBe(0);
  });

  it('throws ConfigurationError naming a missing variable', () => {
    // Act / Assess
    expect(() => requireIntegerEnv('POLL_CAP_SECONDS', bounds, {})).toThrow(
      expect.objectContaining({ name: 'ConfigurationError', message: expect.stringContaining('POLL_CAP_SECONDS') }),
    );
  });

  it.each([
    ['not a number', 'abc'],
    ['a fraction', '1.5'],
    ['below the bounds', '0'],
    ['negative', '-5'],
    ['above the bounds', '301'],
    ['empty', ''],
    ['blank', '   '],
    ['hexadecimal', '0x10'],
    ['in exponent notation', '1e2'],
    ['a number followed by text', '20s'],
  ])('throws ConfigurationError naming the variable and the expected range when the value is %s', (_label, raw) => {
    // Act / Assess
    expect(() => requireIntegerEnv('POLL_CAP_SECONDS', bounds, { POLL_CAP_SECONDS: raw })).toThrow(
      expect.objectContaining({
        name: 'ConfigurationError',
        message: `Environment variable POLL_CAP_SECONDS is "${raw}"; expected an integer from 1 to 300.`,
      }),
    );
  });

  it('rejects an empty value even when 0 is allowed', () => {
    // Act / Assess
    expect(() => requireIntegerEnv('WATCH_SECONDS', { min: 0, max: 600 }, { WATCH_SECONDS: '' })).toThrow(
      expect.objectContaining({ name: 'ConfigurationError', message: expect.stringContaining('WATCH_SECONDS') }),
    );
  });
});

describe('optionalIntegerEnv', () => {
  it.each([
    ['unset', {}],
    ['empty', { GRACE: '' }],
    ['blank', { GRACE: '  ' }],
  ])('returns undefined when the variable is %s', (_label, env) => {
    // Act / Assess
    expect(optionalIntegerEnv('GRACE', { min: 0, max: 86_400 }, env)).toBeUndefined();
  });

  it('returns the integer when set', () => {
    // Act / Assess
    expect(optionalIntegerEnv('GRACE', { min: 0, max: 86_400 }, { GRACE: '600' })).toBe(600);
  });

  it('throws ConfigurationError naming a malformed variable', () => {
    // Act / Assess
    expect(() => optionalIntegerEnv('GRACE', { min: 0, max: 86_400 }, { GRACE: 'ten minutes' })).toThrow(
      expect.objectContaining({ name: 'ConfigurationError', message: expect.stringContaining('GRACE') }),
    );
  });
});
