import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveClientRequestToken, maskToken } from '#commons/tokens.js';
import { EXECUTION_ID } from '#test/support/fixtures.js';

describe('deriveClientRequestToken', () => {
  it('returns the same token for the same execution id and purpose', () => {
    // Act
    const first = deriveClientRequestToken(EXECUTION_ID, 'stop');
    const second = deriveClientRequestToken(EXECUTION_ID, 'stop');
    // Assess
    expect(second).toBe(first);
  });

  it('returns a different token for a different purpose', () => {
    // Act
    const stop = deriveClientRequestToken(EXECUTION_ID, 'stop');
    const release = deriveClientRequestToken(EXECUTION_ID, 'release');
    // Assess
    expect(release).not.toBe(stop);
  });

  it('returns a different token for a different execution id', () => {
    // Act
    const one = deriveClientRequestToken(`${EXECUTION_ID}-a`, 'stop');
    const other = deriveClientRequestToken(`${EXECUTION_ID}-b`, 'stop');
    // Assess
    expect(other).not.toBe(one);
  });

  it('is 64 lowercase hex characters, inside SageMaker’s 32–128 character bound, for any execution id', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.constantFrom('stop', 'release'), (executionId, purpose) => {
        // Act
        const token = deriveClientRequestToken(executionId, purpose);
        // Assess
        expect(token).toMatch(/^[0-9a-f]{64}$/);
        expect(token.length).toBeGreaterThanOrEqual(32);
        expect(token.length).toBeLessThanOrEqual(128);
      }),
    );
  });

  it('is a pure function of its inputs (never a fresh random value)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (executionId, purpose) => {
        // Act / Assess
        expect(deriveClientRequestToken(executionId, purpose)).toBe(deriveClientRequestToken(executionId, purpose));
      }),
    );
  });

  it('does not contain the execution id it was derived from', () => {
    // Act
    const token = deriveClientRequestToken('abcdef0123456789abcdef', 'stop');
    // Assess
    expect(token).not.toContain('abcdef0123456789abcdef');
  });
});

describe('maskToken', () => {
  it('keeps only the last three characters of a SageMaker callback token', () => {
    // Act
    const masked = maskToken('AbCdEfGh12');
    // Assess
    expect(masked).toBe('***h12');
  });

  it('never contains a full 10-character callback token', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{10}$/), (token) => {
        // Act
        const masked = maskToken(token);
        // Assess
        expect(masked).not.toContain(token);
        expect(masked.endsWith(token.slice(-3))).toBe(true);
      }),
    );
  });
});
