/**
 * template.yaml reads top to bottom (parameters → functions → state machines → entry points →
 * queues → guard → organization spoke → monitoring, each headed by a comment, no line a screen cannot show) and carries
 * the Serverless Application Repository metadata that lets it be published and nested.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate, projectRoot, templatePath } from '#test/support/template.js';

const text = readFileSync(templatePath, 'utf8');
const template = loadTemplate();
const packageJson = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string; license: string };

describe('template.yaml layout', () => {
  it('heads its sections with a comment, in reading order', () => {
    // Prepare
    const headings = [...text.matchAll(/^ {0,2}# ---- ([A-Z][a-z]+(?: [a-z]+)?)/gm)].map((match) => match[1]);
    // Assess
    expect(headings).toEqual([
      'Publishing',
      'Parameters',
      'Conditions',
      'Rules',
      'Globals',
      'Resources',
      'Functions',
      'Run events',
      'State machines',
      'Entry points',
      'Queues',
      'Guard',
      'Organization spoke',
      'Organization hub',
      'Monitoring',
      'Outputs',
    ]);
  });

  it('has no line longer than 300 characters (the dashboard body is pretty-printed)', () => {
    const long = text
      .split('\n')
      .filter((line) => line.length > 300)
      .map((line) => `${line.length}: ${line.slice(0, 60)}`);
    expect(long).toEqual([]);
  });
});

describe('Serverless Application Repository metadata', () => {
  const application = (template.Metadata?.['AWS::ServerlessRepo::Application'] ?? {}) as Record<string, unknown>;

  it('names the application, its licence and readme, and the package version', () => {
    expect(application).toMatchObject({
      Name: 'sagemaker-pipelines-graceful-stop',
      SpdxLicenseId: packageJson.license,
      LicenseUrl: 'LICENSE',
      ReadmeUrl: 'README.md',
      SemanticVersion: packageJson.version,
    });
    expect(String(application.Description).length).toBeLessThanOrEqual(256);
    expect(existsSync(join(projectRoot, String(application.LicenseUrl)))).toBe(true);
    expect(existsSync(join(projectRoot, String(application.ReadmeUrl)))).toBe(true);
  });

  it('gives source and home page URLs that docs/operating.md says to replace', () => {
    const operating = readFileSync(join(projectRoot, 'docs', 'operating.md'), 'utf8');
    expect(String(application.SourceCodeUrl)).toMatch(/^https:\/\//);
    expect(operating).toContain(String(application.SourceCodeUrl));
  });
});
