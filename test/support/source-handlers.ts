import type { HandlerTable, LocalHandler } from '../../local/engine/functions.js';
import { handler as stop } from '../../functions/graceful-stop/stop-pipeline-execution.js';
import { handler as check } from '../../functions/graceful-stop/check-pipeline-execution.js';
import { handler as release } from '../../functions/graceful-stop/release-callback-steps.js';
import { handler as report } from '../../functions/graceful-stop/report-outcome.js';
import { handler as publish } from '../../functions/graceful-stop/publish-completion-event.js';

/** The handlers from source, in-process, so aws-sdk-client-mock intercepts their SDK calls. */
export const sourceHandlers: HandlerTable = {
  StopPipelineExecutionFunction: stop as LocalHandler,
  CheckPipelineExecutionFunction: check as LocalHandler,
  ReleaseCallbackStepsFunction: release as LocalHandler,
  ReportOutcomeFunction: report as LocalHandler,
  PublishCompletionEventFunction: publish as LocalHandler,
};
