/** EventBridge events as SageMaker and Step Functions publish them, for the event handlers' tests. */
import { ARN } from './fixtures.js';

export const runStatusChange = (status: string, pipelineExecutionArn = ARN, previous = 'Executing') => ({
  version: '0',
  id: 'b5f5e8a1-0000-4000-8000-000000000001',
  'detail-type': 'SageMaker Model Building Pipeline Execution Status Change',
  source: 'aws.sagemaker',
  account: '123456789012',
  time: '2026-12-02T10:00:00Z',
  region: 'us-east-1',
  resources: [pipelineExecutionArn.split('/execution/')[0], pipelineExecutionArn],
  detail: {
    currentPipelineExecutionStatus: status,
    previousPipelineExecutionStatus: previous,
    pipelineExecutionArn,
    pipelineArn: pipelineExecutionArn.split('/execution/')[0],
  },
});

export const PARENT = 'arn:aws:states:us-east-1:123456789012:execution:training-parent:run-42';
export const workflowEnd = (status: string, executionArn = PARENT) => ({
  version: '0',
  id: 'b5f5e8a1-0000-4000-8000-000000000002',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '123456789012',
  time: '2026-12-02T10:00:00Z',
  region: 'us-east-1',
  resources: [executionArn],
  detail: { executionArn, stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:training-parent', name: 'run-42', status },
});
