/**
 * One source for the functions' settings: the bounds a handler enforces on
 * an environment variable are the MinValue/MaxValue of the template parameter
 * it is deployed from, and the local engine runs with the template's defaults.
 */
import { describe, expect, it } from 'vitest';
import { SETTING_BOUNDS, type IntegerSetting } from '#commons/settings.js';
import { LOCAL_FUNCTION_ENVIRONMENT } from '#local/engine/functions.js';
import { allFunctionsEnvironment } from '#local/engine/template-environment.js';
import { readTemplate } from '#local/template.js';

const template = readTemplate();

/** Every function environment variable that is a `!Ref` to a parameter: variable → parameter name. */
function parameterOfEachSetting(): Map<string, string> {
  const settings = new Map<string, string>();
  for (const resource of Object.values(template.Resources)) {
    const environment = resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
    for (const [name, value] of Object.entries(environment?.Variables ?? {})) {
      const ref = (value as { Ref?: unknown } | null)?.Ref;
      if (typeof ref === 'string' && template.Parameters?.[ref]) settings.set(name, ref);
    }
  }
  return settings;
}

describe('setting bounds', () => {
  it('covers every integer setting a function is deployed with, and nothing else', () => {
    // Prepare
    const integerSettings = [...parameterOfEachSetting()].filter(([name]) => name in SETTING_BOUNDS).map(([name]) => name);

    // Assess
    expect(integerSettings.sort()).toEqual(Object.keys(SETTING_BOUNDS).sort());
  });

  it.each(Object.keys(SETTING_BOUNDS) as IntegerSetting[])('equals the template parameter bounds for %s', (setting) => {
    // Prepare
    const parameter = template.Parameters?.[parameterOfEachSetting().get(setting) ?? ''];
    const bounds = SETTING_BOUNDS[setting];

    // Assess
    expect(parameter).toBeDefined();
    if (parameter?.Type === 'Number') {
      expect({ min: parameter.MinValue, max: parameter.MaxValue }).toEqual(bounds);
    } else {
      // A String parameter (empty = not configured) admits exactly the integers in bounds.
      const pattern = new RegExp(parameter?.AllowedPattern ?? '');
      expect(pattern.test('')).toBe(true);
      expect(pattern.test(String(bounds.min))).toBe(true);
      expect(pattern.test(String(bounds.max))).toBe(true);
      expect(pattern.test(String(bounds.max + 1))).toBe(false);
      expect(pattern.test(String(Math.floor(bounds.max / 2)))).toBe(true);
      expect(pattern.test('-1')).toBe(false);
    }
  });

  it('has a default inside its bounds for every setting', () => {
    for (const [setting, parameterName] of parameterOfEachSetting()) {
      if (!(setting in SETTING_BOUNDS)) continue;
      const raw = template.Parameters?.[parameterName]?.Default;
      if (raw === '') continue;
      const { min, max } = SETTING_BOUNDS[setting as IntegerSetting];
      expect(Number(raw), setting).toBeGreaterThanOrEqual(min);
      expect(Number(raw), setting).toBeLessThanOrEqual(max);
    }
  });
});

describe('local function environment', () => {
  it("is the template's parameter defaults for every setting", () => {
    // Prepare
    const deployed = allFunctionsEnvironment(template);

    // Assess
    for (const [setting, parameterName] of parameterOfEachSetting()) {
      expect(LOCAL_FUNCTION_ENVIRONMENT[setting], setting).toBe(String(template.Parameters?.[parameterName]?.Default ?? ''));
      expect(deployed[setting], setting).toBe(LOCAL_FUNCTION_ENVIRONMENT[setting]);
    }
    expect(LOCAL_FUNCTION_ENVIRONMENT.NODE_OPTIONS).toBeUndefined();
  });
});
