/**
 * Entry point "EventBridge": the put-events entry docs/starting.md shows
 * matches the rule template.yaml deploys, and the event EventBridge then
 * delivers (through the rule's InputPath, or as a full envelope) starts a
 * graceful stop that ends well, on the real ASL with the source handlers.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-sagemaker';
import { COMPLETED_DETAIL_TYPE } from '#graceful-stop/publish-completion-event.logic.js';
import { mockedGracefulStop } from '#test/support/source-handlers.js';
import { FAST, START, expectSucceeded, afterEnd } from '#test/support/state-machine-paths.js';
import { S, pathOf } from '#test/support/run-path.js';
import { loadTemplate } from '#test/support/template.js';
import { section, shellArguments } from '#test/support/doc-examples.js';

const { sagemaker, eventBridge, machine } = mockedGracefulStop();

interface PutEventsEntry {
  EventBusName: string;
  Source: string;
  DetailType: string;
  Detail: string;
}
interface RuleProperties {
  EventBusName: unknown;
  Pattern: Record<string, string[]>;
  InputPath: string;
}

const template = loadTemplate();
const events = template.Resources.GracefulStopStateMachine?.Properties?.Events as unknown as Record<string, { Properties: RuleProperties }>;
const rule = events.GracefulStopRequested?.Properties as RuleProperties;
const [entry] = JSON.parse(shellArguments(section('EventBridge (`put-events`)'), '--entries')[0] ?? '[]') as PutEventsEntry[];

/** The event EventBridge builds from a put-events entry and hands to the rule's targets. */
function deliveredEvent(put: PutEventsEntry): Record<string, unknown> {
  return {
    version: '0',
    id: '6f8b2c1e-93a4-4a57-b0a1-0d5d0d6f1e2a',
    'detail-type': put.DetailType,
    source: put.Source,
    account: '123456789012',
    time: '2026-11-25T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: JSON.parse(put.Detail) as unknown,
  };
}

/** EventBridge matching for the exact-value patterns the rule uses: every pattern field lists the event's value. */
const matches = (pattern: Record<string, string[]>, event: Record<string, unknown>): boolean =>
  Object.entries(pattern).every(([field, values]) => values.includes(String(event[field])));

/** The rule's InputPath, `$.detail`: the one JSONPath form it uses. */
const applyInputPath = (path: string, event: Record<string, unknown>): unknown => (path === '$.detail' ? event.detail : event);

describe('EventBridge start (template rule + docs/starting.md put-events)', () => {
  beforeEach(() => {
    sagemaker.reset();
    eventBridge.reset();
    sagemaker
      .on(StopPipelineExecutionCommand)
      .callsFake(async (input: { PipelineExecutionArn: string }) => ({ PipelineExecutionArn: input.PipelineExecutionArn }));
    sagemaker
      .on(DescribePipelineExecutionCommand)
      .resolvesOnce({ PipelineExecutionStatus: 'Stopping' })
      .resolves({ PipelineExecutionStatus: 'Stopped' });
    sagemaker.on(ListPipelineExecutionStepsCommand).resolves({ PipelineExecutionSteps: [] });
  });

  it("puts the documented event on the rule's default bus, and the rule matches it", () => {
    // Prepare
    const event = deliveredEvent(entry as PutEventsEntry);
    // Act
    const matched = matches(rule.Pattern, event);
    // Assess
    expect(matched).toBe(true);
    expect(entry?.EventBusName).toBe(template.Parameters?.TriggerEventBusName?.Default);
  });

  it('does not match completion events, even on the same bus', () => {
    // Prepare
    const completion = { ...deliveredEvent(entry as PutEventsEntry), 'detail-type': COMPLETED_DETAIL_TYPE };
    // Act
    const matched = matches(rule.Pattern, completion);
    // Assess
    expect(matched).toBe(false);
  });

  it("starts a graceful stop with the event's detail (the rule's InputPath) that ends Stopped", async () => {
    // Prepare
    const event = deliveredEvent(entry as PutEventsEntry);
    const input = applyInputPath(rule.InputPath, event);

    // Act
    const result = await machine.run(input, FAST);

    // Assess
    const output = expectSucceeded(result);
    expect(input).toEqual(JSON.parse(entry?.Detail ?? ''));
    expect(pathOf(result)).toEqual([...START, S.check, S.drained, S.wait, S.check, S.drained, ...afterEnd(S.succeeded)]);
    expect(output).toMatchObject({
      outcome: 'Stopped',
      reason: 'cost alarm',
      pipelineExecutionArn: (event.detail as { pipelineExecutionArn: string }).pipelineExecutionArn,
    });
  });

  it('accepts the full envelope as well, for a rule written without InputPath', async () => {
    // Prepare
    const event = deliveredEvent(entry as PutEventsEntry);

    // Act
    const result = await machine.run(event, FAST);

    // Assess
    const output = expectSucceeded(result);
    expect(output).toMatchObject({ outcome: 'Stopped', reason: 'cost alarm' });
    expect(sagemaker.commandCalls(StopPipelineExecutionCommand)[0]?.args[0].input.PipelineExecutionArn).toBe(
      (event.detail as { pipelineExecutionArn: string }).pipelineExecutionArn,
    );
  });
});
