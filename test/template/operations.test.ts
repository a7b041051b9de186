/**
 * Operations in template.yaml: every alarm, the topic, the dashboard and their
 * parameters, and one contract between the code and them: every metric and
 * dimension an alarm or a widget reads is one the functions emit (METRIC in
 * functions/commons/metrics.ts, used by the code), and every metric meant for
 * an alarm has one. A rename that breaks an alarm fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC, OTHER_OUTCOME, OUTCOME_DIMENSION } from '#commons/metrics.js';
import { NAMED_FAILURES } from '#pipeline-runs/errors.js';
import { OUTCOMES } from '#graceful-stop/model.js';
import { loadTemplate, projectRoot, refTarget, resourcesOfType, type Json, type JsonObject } from '#test/support/template.js';

const template = loadTemplate();
const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
const TOPIC = { 'Fn::If': ['CreateAlarmTopic', { Ref: 'AlarmTopic' }, { Ref: 'AlarmTopicArn' }] };
const SERVICE = 'sagemaker-pipelines-graceful-stop';
const isOurs = (namespace: Json | undefined): boolean => refTarget(namespace) === 'MetricsNamespace';

/** (metric, dimensions) each alarm reads from our namespace. */
function ourAlarmMetrics(): Array<{ alarm: string; metric: string; dimensions: Record<string, Json> }> {
  return alarms.flatMap(([logicalId, resource]) => {
    const properties = resource.Properties ?? {};
    if (!isOurs(properties.Namespace)) return [];
    const dimensions = Object.fromEntries(
      ((properties.Dimensions as JsonObject[] | undefined) ?? []).map((dimension) => [String(dimension.Name), dimension.Value as Json]),
    );
    return [{ alarm: logicalId, metric: String(properties.MetricName), dimensions }];
  });
}

/** The dashboard body with the template's substitutions left as they are, parsed. */
function dashboard(): { widgets: Array<{ properties: { title: string; metrics: Json[][] } }> } {
  const body = template.Resources.GracefulStopDashboard?.Properties?.DashboardBody as { 'Fn::Sub': string } | undefined;
  return JSON.parse(body?.['Fn::Sub'] ?? '{}') as { widgets: Array<{ properties: { title: string; metrics: Json[][] } }> };
}

/** Metric names (and dimension names) the dashboard reads from our namespace, SEARCH expressions included. */
function dashboardMetrics(): { names: string[]; dimensions: string[] } {
  const names: string[] = [];
  const dimensions: string[] = [];
  let previous: Json[] = [];
  for (const widget of dashboard().widgets) {
    for (const row of widget.properties.metrics) {
      const first = row[0];
      if (typeof first === 'object' && first !== null && 'expression' in first) {
        const search = /SEARCH\('\{\$\{MetricsNamespace\},([^}]*)\} MetricName="(\w+)"/.exec(String((first as JsonObject).expression));
        if (search) {
          names.push(search[2] ?? '');
          dimensions.push(...(search[1] ?? '').split(','));
        }
        continue;
      }
      const expanded =
        first === '...' ? [...previous.slice(0, previous.length - (typeof previous.at(-1) === 'object' ? 1 : 0)), ...row.slice(1)] : row;
      if (expanded[0] === '${MetricsNamespace}') {
        names.push(String(expanded[1]));
        const plain = expanded.filter((cell) => typeof cell === 'string');
        for (let index = 2; index + 1 < plain.length; index += 2) dimensions.push(String(plain[index]));
      }
      previous = expanded;
    }
  }
  return { names, dimensions };
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('metric contract between the functions and the alarms and dashboard', () => {
  it('reads in every alarm only metrics the functions emit, with the service dimension and known outcomes', () => {
    // Prepare
    const emitted = Object.values(METRIC) as string[];
    const outcomes = [...OUTCOMES, ...NAMED_FAILURES, OTHER_OUTCOME];

    // Assess
    const read = ourAlarmMetrics();
    expect(read.length).toBeGreaterThanOrEqual(3);
    for (const { alarm, metric, dimensions } of read) {
      expect(emitted, alarm).toContain(metric);
      expect(dimensions.service, alarm).toBe(SERVICE);
      expect(
        Object.keys(dimensions).every((name) => ['service', OUTCOME_DIMENSION].includes(name)),
        alarm,
      ).toBe(true);
      if (OUTCOME_DIMENSION in dimensions) expect(outcomes, alarm).toContain(dimensions[OUTCOME_DIMENSION]);
    }
  });

  it('has an alarm on every metric meant for one', () => {
    // Prepare
    const meantForAlarms = [METRIC.gracefulStops, METRIC.oldestDrainSeconds, METRIC.stopAllExecutionsFailed];
    // Act
    const alarmed = ourAlarmMetrics().map((read) => read.metric);
    // Assess
    expect(alarmed).toEqual(expect.arrayContaining(meantForAlarms));
    expect(ourAlarmMetrics().find((read) => read.metric === METRIC.gracefulStops)?.dimensions[OUTCOME_DIMENSION]).toBe('DrainTimedOut');
  });

  it('shows on the dashboard only metrics the functions emit, and every graceful-stop metric', () => {
    // Act
    const { names, dimensions } = dashboardMetrics();
    // Assess
    expect(
      names.every((name) => (Object.values(METRIC) as string[]).includes(name)),
      names.join(', '),
    ).toBe(true);
    expect(
      dimensions.every((name) => ['service', OUTCOME_DIMENSION].includes(name)),
      dimensions.join(', '),
    ).toBe(true);
    expect(names).toEqual(
      expect.arrayContaining([
        METRIC.gracefulStops,
        METRIC.drainSeconds,
        METRIC.oldestDrainSeconds,
        METRIC.callbackStepsReleased,
        METRIC.sageMakerThrottles,
      ]),
    );
  });

  it('emits every metric name from the code (a METRIC key no function uses is a dead alarm)', () => {
    // Prepare
    const code = sourcesUnder(join(projectRoot, 'functions'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    // Assess
    for (const key of Object.keys(METRIC)) expect(code, key).toMatch(new RegExp(`METRIC\\.${key}\\b`));
  });
});

describe('alarms in template.yaml', () => {
  it.each(alarms.map(([logicalId, resource]) => [logicalId, resource] as const))(
    '%s says what to do, notifies the topic, treats missing data deliberately and is off with AlarmsEnabled=false',
    (_id, resource) => {
      // Prepare
      const properties = resource.Properties ?? {};
      // Assess
      expect(String(properties.AlarmDescription).length).toBeGreaterThan(80);
      expect(properties.AlarmActions).toEqual([TOPIC]);
      expect(properties.OKActions).toEqual([TOPIC]);
      expect(['notBreaching', 'breaching', 'ignore', 'missing']).toContain(properties.TreatMissingData);
      expect([
        'CreateAlarms',
        'CreateCallbackAlarms',
        'CreateGuardAlarms',
        'CreateStopWatchAlarms',
        'CreateOrphanGuardAlarms',
        'CreateHubAlarms',
      ]).toContain(resource.Condition);
    },
  );

  it('covers failed, timed-out and aborted graceful stops, DrainTimedOut, an old drain, every DLQ, function errors and throttles', () => {
    // Act
    const ids = alarms.map(([logicalId]) => logicalId).sort();
    // Assess
    expect(ids).toEqual(
      [
        'CallbackConsumerErrorsAlarm',
        'CallbackDeadLetterQueueAlarm',
        'DrainTimedOutAlarm',
        'FunctionErrorsAlarm',
        'FunctionThrottlesAlarm',
        'RunawayGuardDeadLetterQueueAlarm',
        'GracefulStopExecutionsAbortedAlarm',
        'GracefulStopExecutionsFailedAlarm',
        'GracefulStopExecutionsTimedOutAlarm',
        'OldestDrainAlarm',
        'OrphanGuardErrorsAlarm',
        'OrganizationStopExecutionsFailedAlarm',
        'OrganizationStopTargetsNotCompletedAlarm',
        'StopAllRunsFailedAlarm',
        'StopAllExecutionsFailedAlarm',
        'StopWatchErrorsAlarm',
        'TriggerDeadLetterQueueAlarm',
      ].sort(),
    );
    expect(template.Resources.OldestDrainAlarm?.Properties?.Threshold).toEqual({ Ref: 'OldestDrainAlarmSeconds' });
    expect(template.Resources.CallbackDeadLetterQueueAlarm?.Condition).toBe('CreateCallbackAlarms');
  });

  it('sums Errors and Throttles over every always-deployed function, in one Metrics Insights query each', () => {
    // Prepare
    const functions = resourcesOfType(template, 'AWS::Serverless::Function')
      .filter(([, resource]) => resource.Condition === undefined)
      .map(([id]) => id)
      .sort();
    for (const [id, metric] of [
      ['FunctionErrorsAlarm', 'Errors'],
      ['FunctionThrottlesAlarm', 'Throttles'],
    ] as const) {
      // Act
      const [query] = template.Resources[id]?.Properties?.Metrics as Array<{ Expression: { 'Fn::Sub': string }; ReturnData: boolean }>;
      const text = query?.Expression['Fn::Sub'] ?? '';
      const named = [...text.matchAll(/FunctionName = '\$\{(\w+)\}'/g)].map((match) => match[1]).sort();
      // Assess
      expect(text, id).toMatch(new RegExp(`^SELECT SUM\\(${metric}\\) FROM SCHEMA\\("AWS/Lambda", FunctionName\\) WHERE `));
      expect(query?.ReturnData, id).toBe(true);
      expect(named, id).toEqual(functions);
    }
  });
});

describe('alarm topic, dashboard and operations parameters', () => {
  it('creates an encrypted topic only when alarms are on and no topic is named, with an optional e-mail subscription', () => {
    // Assess
    expect(template.Resources.AlarmTopic).toMatchObject({ Condition: 'CreateAlarmTopic', Properties: { KmsMasterKeyId: 'alias/aws/sns' } });
    expect(template.Resources.AlarmEmailSubscription).toMatchObject({
      Condition: 'SubscribeAlarmEmail',
      Properties: { Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } },
    });
    expect(template.Conditions?.CreateAlarmTopic).toEqual({
      'Fn::And': [{ Condition: 'CreateAlarms' }, { 'Fn::Equals': [{ Ref: 'AlarmTopicArn' }, 'create'] }],
    });
    expect(template.Parameters?.AlarmsEnabled).toMatchObject({ Default: 'true', AllowedValues: ['true', 'false'] });
  });

  it('lets only CloudWatch of this account publish to the topic', () => {
    // Act
    const statement = ((template.Resources.AlarmTopicPolicy?.Properties?.PolicyDocument as JsonObject).Statement as JsonObject[])[0];
    // Assess
    expect(statement).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
  });

  it('builds a dashboard with every widget the operators need, and gives its URL for every partition', () => {
    // Act
    const titles = dashboard().widgets.map((widget) => widget.properties.title);
    const url = JSON.stringify(template.Outputs?.GracefulStopDashboardUrl?.Value);
    // Assess
    expect(titles).toEqual([
      'Graceful stops by outcome',
      'Drain seconds (p50, p90, max)',
      'Stops in flight (started - ended in the shown range)',
      'Oldest drain in progress (s)',
      'Callback steps force-released',
      'SageMaker throttling (retried calls)',
      'Dead-letter queues (messages)',
      'Stop-all: found, signalled, taken in, draining, stopped, failed',
    ]);
    expect(url).toContain('console.amazonaws.cn');
    expect(url).toContain('console.amazonaws-us-gov.com');
    expect(url).toContain('console.aws.amazon.com');
  });

  it('names the metrics namespace once, for every function, and traces only when asked', () => {
    // Assess
    expect(template.Globals?.Function?.Environment).toMatchObject({
      Variables: { POWERTOOLS_METRICS_NAMESPACE: { Ref: 'MetricsNamespace' } },
    });
    expect(template.Parameters?.TracingEnabled).toMatchObject({ Default: 'false' });
    expect(template.Globals?.Function?.Tracing).toEqual({ 'Fn::If': ['TraceWithXRay', 'Active', 'PassThrough'] });
    for (const [, machine] of resourcesOfType(template, 'AWS::Serverless::StateMachine')) {
      expect(machine.Properties?.Tracing).toEqual({ Enabled: { 'Fn::If': ['TraceWithXRay', true, false] } });
    }
  });
});
