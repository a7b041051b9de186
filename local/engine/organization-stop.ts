import { join } from 'node:path';
import type { LocalHandler } from './functions.js';
import { projectRoot } from './paths.js';
import { templateStateMachine, type LocalStateMachine } from './runner.js';

/** The organization stop's Lambda functions by logical id (template.yaml, the ASL's `${<LogicalId>Arn}`) and handler file. */
export const ORGANIZATION_STOP_FUNCTIONS = {
  ResolveTargetsFunction: 'resolve-targets',
  StartSpokeStopAllFunction: 'start-spoke-stop-all',
  CheckSpokeStopAllFunction: 'check-spoke-stop-all',
  SummariseOrganizationStopFunction: 'summarise-organization-stop',
  WaitForSpokeEventFunction: 'wait-for-spoke-event',
  RecordTargetResultFunction: 'record-target-result',
} as const;

export type OrganizationStopFunctionLogicalId = keyof typeof ORGANIZATION_STOP_FUNCTIONS;
export type OrganizationStopHandlerTable = Record<OrganizationStopFunctionLogicalId, LocalHandler>;

export const ORGANIZATION_STOP_STATE_MACHINE_NAME = 'organization-stop';
export const organizationStopDefinitionPath = join(projectRoot, 'statemachine', 'organization-stop.asl.json');

/** The organization stop's ASL on the embedded engine, its Lambda tasks served by `handlers` (its Distributed Map runs inline here). */
export function createOrganizationStopMachine(handlers: OrganizationStopHandlerTable): LocalStateMachine {
  return templateStateMachine(organizationStopDefinitionPath, ORGANIZATION_STOP_STATE_MACHINE_NAME, ORGANIZATION_STOP_FUNCTIONS, handlers);
}
