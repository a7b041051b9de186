/**
 * Your own workflows on the local Step Functions API: Create/Describe/List/Update/DeleteStateMachine
 * through the plain SDK, the ASL you bring run by the embedded engine (an AWS SDK task on SageMaker
 * against the simulator), and everything the engine cannot run refused at create time, by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { BOUNDED_CLIENT_OPTIONS } from '#commons/clients.js';
import { waitFor } from '#local/bounded.js';
import { startLocalCloud, type LocalCloud } from '#local/cloud.js';

const ROLE = 'arn:aws:iam::123456789012:role/mine';
const machineArn = (name: string): string => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
const task = (resource: string, parameters: Record<string, unknown> = {}) =>
  JSON.stringify({
    StartAt: 'A',
    States: { A: { Type: 'Task', Resource: resource, Parameters: parameters, TimeoutSeconds: 30, End: true } },
  });
const LIST_PIPELINES = task('arn:aws:states:::aws-sdk:sagemaker:listPipelines');

describe('the local Step Functions API: state machines you bring', () => {
  let cloud: LocalCloud;
  let sfn: SFNClient;

  beforeAll(async () => {
    cloud = await startLocalCloud({ timeScale: 10 });
    sfn = new SFNClient({
      ...BOUNDED_CLIENT_OPTIONS,
      endpoint: cloud.api.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }, 60_000);

  afterAll(async () => {
    sfn?.destroy();
    await cloud?.close();
  });

  it('creates a state machine, runs its SageMaker SDK task against the simulator, and describes and lists it', async () => {
    // Act
    const created = await sfn.send(new CreateStateMachineCommand({ name: 'lister', definition: LIST_PIPELINES, roleArn: ROLE }));
    const again = await sfn.send(new CreateStateMachineCommand({ name: 'lister', definition: LIST_PIPELINES, roleArn: ROLE }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, input: '{}' }));
    const ended = await waitFor(
      'the execution to end',
      () => sfn.send(new DescribeExecutionCommand({ executionArn })),
      (described) => described.status !== 'RUNNING',
      { timeoutMs: 30_000 },
    );
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    const listed = await sfn.send(new ListStateMachinesCommand({}));

    // Assess
    expect(created.stateMachineArn).toBe(machineArn('lister'));
    expect(created.creationDate).toBeInstanceOf(Date);
    expect(again.stateMachineArn, 'the same name, definition and role is the same state machine').toBe(created.stateMachineArn);
    expect(ended.status, ended.cause).toBe('SUCCEEDED');
    expect(JSON.parse(ended.output ?? '{}')).toHaveProperty('PipelineSummaries');
    expect(described).toMatchObject({ name: 'lister', status: 'ACTIVE', type: 'STANDARD', roleArn: ROLE });
    expect(JSON.parse(described.definition ?? '{}')).toEqual(JSON.parse(LIST_PIPELINES));
    expect(listed.stateMachines?.map((machine) => machine.name)).toEqual(expect.arrayContaining(['graceful-stop', 'lister', 'stop-all']));
  });

  it('pages ListStateMachines by maxResults and nextToken, and refuses a token it never gave', async () => {
    // Act
    const first = await sfn.send(new ListStateMachinesCommand({ maxResults: 1 }));
    const second = await sfn.send(new ListStateMachinesCommand({ maxResults: 1, nextToken: first.nextToken }));

    // Assess
    expect(first.stateMachines).toHaveLength(1);
    expect(first.nextToken).toBeDefined();
    expect(second.stateMachines?.[0]?.name).not.toBe(first.stateMachines?.[0]?.name);
    await expect(sfn.send(new ListStateMachinesCommand({ nextToken: 'not-a-token' }))).rejects.toMatchObject({ name: 'InvalidToken' });
  });

  it.each<[string, string, RegExp]>([
    [
      'another service',
      task('arn:aws:states:::sns:publish'),
      /State "A" has the resource arn:aws:states:::sns:publish, which the local engine does not run; expected arn:aws:states:::lambda:invoke/,
    ],
    [
      "a function that is not the template's",
      task('arn:aws:states:::lambda:invoke', { FunctionName: 'my-function' }),
      /State "A" invokes my-function; locally FunctionName must name one of .*EndWaitsFunction/,
    ],
    ['a function chosen at run time', task('arn:aws:states:::lambda:invoke', { 'FunctionName.$': '$.fn' }), /chosen at run time/],
    [
      'an operation SageMaker does not have',
      task('arn:aws:states:::aws-sdk:sagemaker:launchRockets'),
      /aws-sdk:sagemaker has no operation launchRockets/,
    ],
    [
      'JSONata',
      JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }),
      /QueryLanguage is JSONata; the local engine runs JSONPath definitions only/,
    ],
    ['variables', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: 1 }, End: true } } }), /State "A" uses Assign/],
    ['an invalid state', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Bogus' } } }), /State machine definition is invalid/],
    ['no JSON', '{"StartAt":', /the definition is not JSON/],
  ])('refuses %s at create time with InvalidDefinition saying what runs here', async (_label, definition, message) => {
    // Act
    const creating = sfn.send(new CreateStateMachineCommand({ name: 'refused', definition, roleArn: ROLE }));

    // Assess
    await expect(creating).rejects.toMatchObject({ name: 'InvalidDefinition', message: expect.stringMatching(message) });
  });

  it('refuses a role that is no IAM role ARN, a bad name, a taken name and an EXPRESS type, by their AWS names', async () => {
    // Prepare
    await sfn.send(new CreateStateMachineCommand({ name: 'taken', definition: LIST_PIPELINES, roleArn: ROLE }));

    // Act & Assess
    await expect(
      sfn.send(new CreateStateMachineCommand({ name: 'r', definition: LIST_PIPELINES, roleArn: 'admin' })),
    ).rejects.toMatchObject({ name: 'InvalidArn' });
    await expect(sfn.send(new CreateStateMachineCommand({ name: 'a b', definition: LIST_PIPELINES, roleArn: ROLE }))).rejects.toMatchObject(
      { name: 'InvalidName' },
    );
    await expect(
      sfn.send(
        new CreateStateMachineCommand({
          name: 'taken',
          definition: task('arn:aws:states:::aws-sdk:sagemaker:listPipelineExecutions'),
          roleArn: ROLE,
        }),
      ),
    ).rejects.toMatchObject({ name: 'StateMachineAlreadyExists' });
    await expect(
      sfn.send(new CreateStateMachineCommand({ name: 'fast', definition: LIST_PIPELINES, roleArn: ROLE, type: 'EXPRESS' })),
    ).rejects.toMatchObject({ name: 'StateMachineTypeNotSupported' });
  });

  it('updates a definition for the executions started from then on, and deletes a state machine', async () => {
    // Prepare
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'changing', definition: LIST_PIPELINES, roleArn: ROLE }),
    );
    const pass = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { updated: true }, End: true } } });

    // Act
    const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: pass }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
    const ended = await waitFor(
      'the execution to end',
      () => sfn.send(new DescribeExecutionCommand({ executionArn })),
      (described) => described.status !== 'RUNNING',
      { timeoutMs: 30_000 },
    );
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));
    const gone = await waitFor(
      'the deletion',
      () =>
        sfn.send(new DescribeStateMachineCommand({ stateMachineArn })).then(
          () => 'there',
          (error: Error) => error.name,
        ),
      (name) => name !== 'there',
      { timeoutMs: 10_000 },
    );

    // Assess
    expect(updated.updateDate).toBeInstanceOf(Date);
    expect(JSON.parse(ended.output ?? '{}')).toEqual({ updated: true });
    expect(gone).toBe('StateMachineDoesNotExist');
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }))).rejects.toMatchObject({
      name: 'StateMachineDoesNotExist',
    });
  });

  it("leaves the template's state machines alone: they cannot be updated or deleted here", async () => {
    // Act & Assess
    await expect(
      sfn.send(new UpdateStateMachineCommand({ stateMachineArn: cloud.gracefulStop.arn, definition: LIST_PIPELINES })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/deployed by template\.yaml/) });
    await expect(sfn.send(new DeleteStateMachineCommand({ stateMachineArn: cloud.stopAll.arn }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(sfn.send(new UpdateStateMachineCommand({ stateMachineArn: machineArn('nothing') }))).rejects.toMatchObject({
      name: 'StateMachineDoesNotExist',
    });
  });
});
