import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { createGracefulStopMachine } from '#local/engine/graceful-stop.js';
import { createStopAllMachine, type StopAllHandlerTable } from '#local/engine/stop-all.js';
import { createOrganizationStopMachine, type OrganizationStopHandlerTable } from '#local/engine/organization-stop.js';
import { handler as resolveTargets } from '#stop-all/organization/resolve-targets.js';
import { handler as startSpokeStopAll } from '#stop-all/organization/start-spoke-stop-all.js';
import { handler as checkSpokeStopAll } from '#stop-all/organization/check-spoke-stop-all.js';
import { handler as summariseOrganizationStop } from '#stop-all/organization/summarise-organization-stop.js';
import { handler as waitForSpokeEvent } from '#stop-all/organization/wait-for-spoke-event.js';
import { handler as recordTargetResult } from '#stop-all/organization/record-target-result.js';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { handler as listRunningExecutions } from '#stop-all/list-running-executions.js';
import { handler as signalAndSweep } from '#stop-all/signal-and-sweep.js';
import { handler as summariseStopAll } from '#stop-all/summarise-stop-all.js';
import type { HandlerTable, LocalHandler } from '#local/engine/functions.js';
import { handler as stop } from '#graceful-stop/stop-pipeline-execution.js';
import { handler as check } from '#graceful-stop/check-pipeline-execution.js';
import { handler as release } from '#graceful-stop/release-callback-steps.js';
import { handler as report } from '#graceful-stop/report-outcome.js';
import { handler as publish } from '#graceful-stop/publish-completion-event.js';
import { handler as waitForRunEvents } from '#wake-up/wait-for-run-events.js';
import { handler as stopLeftoverJobs } from '#graceful-stop/stop-leftover-jobs.js';
import { useMemoryS3 } from './memory-s3-fetch.js';
import { createObjectStore } from '#commons/object-store.js';

/** Stop records and wait tokens go to S3 (aws4fetch, which aws-sdk-client-mock cannot intercept): in memory for these handlers. */
export const memoryS3 = useMemoryS3();
// The first SigV4 signature initialises WebCrypto (tens of ms on a busy machine): sign once before any task is timed.
await createObjectStore({
  bucket: 'warm-up',
  env: { AWS_ACCESS_KEY_ID: 'warm', AWS_SECRET_ACCESS_KEY: 'up', AWS_REGION: 'us-east-1' },
  fetch: async () => new Response(''),
}).put('warm-up', '{}');

/** The handlers from source, in-process, so aws-sdk-client-mock intercepts their SDK calls. */
export const sourceHandlers: HandlerTable = {
  StopPipelineExecutionFunction: stop as LocalHandler,
  CheckPipelineExecutionFunction: check as LocalHandler,
  ReleaseCallbackStepsFunction: release as LocalHandler,
  ReportOutcomeFunction: report as LocalHandler,
  PublishCompletionEventFunction: publish as LocalHandler,
  WaitForRunEventsFunction: waitForRunEvents as LocalHandler,
  StopLeftoverJobsFunction: stopLeftoverJobs as LocalHandler,
};

/**
 * The graceful-stop state machine over the source handlers, with SageMaker and EventBridge mocked
 * (aws-sdk-client-mock): what the state-machine and entry-point suites run. Call it once, at the
 * top of a test file, and reset the mocks in beforeEach.
 */
export function mockedGracefulStop() {
  return {
    sagemaker: mockClient(SageMakerClient),
    eventBridge: mockClient(EventBridgeClient),
    machine: createGracefulStopMachine(sourceHandlers),
    s3: memoryS3,
  };
}

/** The stop-all handlers from source, in-process. */
export const stopAllSourceHandlers: StopAllHandlerTable = {
  ListRunningExecutionsFunction: listRunningExecutions as LocalHandler,
  SignalAndSweepFunction: signalAndSweep as LocalHandler,
  SummariseStopAllFunction: summariseStopAll as LocalHandler,
  WaitForRunEventsFunction: waitForRunEvents as LocalHandler,
};

/** The stop-all state machine over the source handlers, SageMaker mocked and the ledgers in memory. */
export function mockedStopAll() {
  return {
    sagemaker: mockClient(SageMakerClient),
    eventBridge: mockClient(EventBridgeClient),
    machine: createStopAllMachine(stopAllSourceHandlers),
    s3: memoryS3,
  };
}

/** The organization stop's handlers from source, in-process. */
export const organizationStopSourceHandlers: OrganizationStopHandlerTable = {
  ResolveTargetsFunction: resolveTargets as LocalHandler,
  StartSpokeStopAllFunction: startSpokeStopAll as LocalHandler,
  CheckSpokeStopAllFunction: checkSpokeStopAll as LocalHandler,
  SummariseOrganizationStopFunction: summariseOrganizationStop as LocalHandler,
  WaitForSpokeEventFunction: waitForSpokeEvent as LocalHandler,
  RecordTargetResultFunction: recordTargetResult as LocalHandler,
};

/** The organization stop over the source handlers: STS, every spoke's Step Functions, Organizations, CloudFormation and EventBridge mocked. */
export function mockedOrganizationStop() {
  return {
    sts: mockClient(STSClient),
    stepFunctions: mockClient(SFNClient),
    organizations: mockClient(OrganizationsClient),
    cloudFormation: mockClient(CloudFormationClient),
    eventBridge: mockClient(EventBridgeClient),
    machine: createOrganizationStopMachine(organizationStopSourceHandlers),
  };
}
