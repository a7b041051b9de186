import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { createGracefulStopMachine } from '#local/engine/graceful-stop.js';
import type { HandlerTable, LocalHandler } from '#local/engine/functions.js';
import { handler as stop } from '#graceful-stop/stop-pipeline-execution.js';
import { handler as check } from '#graceful-stop/check-pipeline-execution.js';
import { handler as release } from '#graceful-stop/release-callback-steps.js';
import { handler as report } from '#graceful-stop/report-outcome.js';
import { handler as publish } from '#graceful-stop/publish-completion-event.js';

/** The handlers from source, in-process, so aws-sdk-client-mock intercepts their SDK calls. */
export const sourceHandlers: HandlerTable = {
  StopPipelineExecutionFunction: stop as LocalHandler,
  CheckPipelineExecutionFunction: check as LocalHandler,
  ReleaseCallbackStepsFunction: release as LocalHandler,
  ReportOutcomeFunction: report as LocalHandler,
  PublishCompletionEventFunction: publish as LocalHandler,
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
  };
}
