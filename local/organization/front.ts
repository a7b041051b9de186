/**
 * The local organization's front door, on 127.0.0.1: the hub's clients are pointed here
 * (AWS_ENDPOINT_URL_STS, _SFN, _CLOUDFORMATION, _ORGANIZATIONS) and each request goes where the
 * same request goes on AWS, by who signed it and for which region:
 * - STS AssumeRole and GetCallerIdentity (local/organization/identity.ts);
 * - Step Functions: the hub's key to the hub's own API; a spoke session's key, once the spoke role's
 *   policy allows the call, to the Step Functions of that account in the signed region (a spoke's
 *   thread); a region not enabled refuses every key, as AWS does;
 * - CloudFormation's StackSet reads (ListStackInstances, DescribeStackInstance): one StackSet per
 *   region, `<prefix><region>`, whose instances are the spokes deployed there;
 * - Organizations' listings: the root holds the hub's account and one organizational unit, which holds
 *   every member account.
 * Every request is bounded (body size, time) and a bad one is a named error, never a crash.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { forward, listen, type Listener } from '#local/listen.js';
import { readBody } from '#local/simulator/protocol.js';
import type { LocalIdentity, LocalSpoke } from './identity.js';
import { formOf, sendJsonError, sendQueryError, sendQueryResult, ServiceFault, signerOf, type Signer } from './query-protocol.js';

export const LOCAL_ROOT_ID = 'r-loca';
export const LOCAL_ORGANIZATIONAL_UNIT_ID = 'ou-loca-spokes00';

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const CLOUDFORMATION_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const SFN_TARGET = 'AWSStepFunctions.';
const ORGANIZATIONS_TARGET = 'AWSOrganizationsV20161128.';

export interface FrontOptions {
  identity: LocalIdentity;
  spokes: () => readonly LocalSpoke[];
  /** The hub's own Step Functions API. */
  hubEndpoint: () => string;
  /** A spoke's Step Functions API, when a spoke runs in that account and region. */
  spokeEndpoint: (accountId: string, region: string) => string | undefined;
  /** The spokes' StackSets are named this prefix and their region. */
  stackSetPrefix: string;
  host?: string;
  port?: number;
}

export type Front = Listener;

function stsAction(options: FrontOptions, signer: Signer, form: Record<string, string>) {
  if (form.Action === 'AssumeRole') return options.identity.assumeRole(signer.accessKeyId, form);
  if (form.Action === 'GetCallerIdentity') {
    const { caller, session } = options.identity.callerOf(signer.accessKeyId);
    return { Account: caller.accountId, Arn: session?.sessionArn ?? caller.principalArn, UserId: signer.accessKeyId };
  }
  throw new ServiceFault('InvalidAction', `The local STS has AssumeRole and GetCallerIdentity, not ${String(form.Action).slice(0, 60)}.`);
}

function requireHub(options: FrontOptions, signer: Signer, action: string): void {
  const { caller } = options.identity.callerOf(signer.accessKeyId);
  if (caller !== options.identity.hubCaller)
    throw new ServiceFault('AccessDenied', `User: ${caller.principalArn} is not authorized to perform: ${action}`, 403);
}

function stackSetAction(options: FrontOptions, signer: Signer, form: Record<string, string>) {
  requireHub(options, signer, `cloudformation:${form.Action}`);
  const name = form.StackSetName ?? '';
  const region = name.startsWith(options.stackSetPrefix) ? name.slice(options.stackSetPrefix.length) : '';
  const instances = options.spokes().filter((spoke) => spoke.region === region);
  if (instances.length === 0) throw new ServiceFault('StackSetNotFoundException', `StackSet ${name.slice(0, 128)} not found`);
  const instance = (spoke: LocalSpoke) => ({
    StackSetId: `${name}:local`,
    Account: spoke.accountId,
    Region: spoke.region,
    Status: 'CURRENT',
  });
  if (form.Action === 'DescribeStackInstance') {
    const found = instances.find((spoke) => spoke.accountId === form.StackInstanceAccount && spoke.region === form.StackInstanceRegion);
    if (!found)
      throw new ServiceFault(
        'StackInstanceNotFoundException',
        `Stack instance with account ${String(form.StackInstanceAccount).slice(0, 12)} and region ${String(form.StackInstanceRegion).slice(0, 30)} not found in StackSet ${name}`,
      );
    return { StackInstance: { ...instance(found), StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } } };
  }
  if (form.Action === 'ListStackInstances') {
    const size = form.MaxResults === undefined ? 100 : Number(form.MaxResults);
    if (!Number.isInteger(size) || size < 1 || size > 100) throw new ServiceFault('ValidationError', 'MaxResults must be 1 to 100.');
    const from = form.NextToken === undefined ? 0 : Number(form.NextToken);
    if (!Number.isInteger(from) || from < 0) throw new ServiceFault('ValidationError', 'NextToken is not one this API gave.');
    const page = instances.slice(from, from + size);
    return {
      Summaries: page.map((spoke) => ({ ...instance(spoke), StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } })),
      NextToken: from + size < instances.length ? String(from + size) : undefined,
    };
  }
  throw new ServiceFault(
    'InvalidAction',
    `The local CloudFormation has ListStackInstances and DescribeStackInstance, not ${String(form.Action).slice(0, 60)}.`,
  );
}

function organizationsAction(options: FrontOptions, signer: Signer, operation: string, body: Record<string, unknown>) {
  requireHub(options, signer, `organizations:${operation}`);
  const parent = body.ParentId;
  if (parent !== LOCAL_ROOT_ID && parent !== LOCAL_ORGANIZATIONAL_UNIT_ID)
    throw new ServiceFault(
      'ParentNotFoundException',
      `We can't find a root or OU with the ParentId that you specified: ${String(parent).slice(0, 70)}.`,
    );
  if (operation === 'ListAccountsForParent') {
    // The hub (the management account) sits in the root; the member accounts in the one unit.
    const { hub, accounts: members } = options.identity.shape;
    const accounts = parent === LOCAL_ROOT_ID ? [hub.accountId] : members.filter((id) => id !== hub.accountId);
    return { Accounts: accounts.map((id) => ({ Id: id, Name: `account-${id}`, Status: 'ACTIVE', State: 'ACTIVE' })) };
  }
  if (operation === 'ListOrganizationalUnitsForParent') {
    const units = parent === LOCAL_ROOT_ID ? [{ Id: LOCAL_ORGANIZATIONAL_UNIT_ID, Name: 'spokes' }] : [];
    return { OrganizationalUnits: units };
  }
  throw new ServiceFault('UnsupportedAPIEndpointException', `The local Organizations API has no operation ${operation.slice(0, 60)}.`);
}

const jsonBody = (text: string): Record<string, unknown> => {
  try {
    const body = JSON.parse(text || '{}') as unknown;
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ServiceFault('SerializationException', 'The request body is not a JSON object.');
};

/** Where a Step Functions request goes: the hub's API, or the spoke's its session may call. */
function stepFunctionsEndpoint(options: FrontOptions, signer: Signer, operation: string, body: Record<string, unknown>): string {
  const { caller, session } = options.identity.callerOf(signer.accessKeyId);
  if (caller === options.identity.hubCaller) return options.hubEndpoint();
  if (!session) throw new ServiceFault('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (options.identity.regionDisabled(session.accountId, signer.region))
    throw new ServiceFault('UnrecognizedClientException', 'The security token included in the request is invalid.');
  const resource = String(body.stateMachineArn ?? body.executionArn ?? body.mapRunArn ?? '*');
  options.identity.authorize(session, `states:${operation}`, resource);
  const endpoint = options.spokeEndpoint(session.accountId, signer.region);
  if (endpoint) return endpoint;
  if (operation === 'StartExecution') throw new ServiceFault('StateMachineDoesNotExist', `State Machine Does Not Exist: '${resource}'`);
  throw new ServiceFault('ExecutionDoesNotExist', `Execution Does Not Exist: '${resource}'`);
}

export async function startFront(options: FrontOptions): Promise<Front> {
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const query = !target;
    const namespace = (service: string) => (service === 'cloudformation' ? CLOUDFORMATION_NAMESPACE : STS_NAMESPACE);
    let service = 'sts';
    try {
      if (request.method !== 'POST') throw new ServiceFault('InvalidAction', 'Expected a POST.');
      const signer = signerOf(request);
      service = signer.service;
      const text = await readBody(request).catch(() => {
        throw new ServiceFault('ValidationError', 'The request body is too large.', 413);
      });
      if (target.startsWith(SFN_TARGET)) {
        const operation = target.slice(SFN_TARGET.length);
        await forward(stepFunctionsEndpoint(options, signer, operation, jsonBody(text)), request, text, response);
      } else if (target.startsWith(ORGANIZATIONS_TARGET)) {
        const body = organizationsAction(options, signer, target.slice(ORGANIZATIONS_TARGET.length), jsonBody(text));
        const payload = JSON.stringify(body);
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(payload) });
        response.end(payload);
      } else if (query && (service === 'sts' || service === 'cloudformation')) {
        const form = formOf(text);
        const result = service === 'sts' ? stsAction(options, signer, form) : stackSetAction(options, signer, form);
        sendQueryResult(response, namespace(service), String(form.Action), result);
      } else {
        throw new ServiceFault(
          'InvalidAction',
          `The local organization serves STS, CloudFormation, Organizations and Step Functions, not ${service}.`,
        );
      }
    } catch (error) {
      const fault =
        error instanceof ServiceFault
          ? error
          : new ServiceFault('InternalFailure', error instanceof Error ? `${error.name}: ${error.message}` : String(error), 500);
      if (query) sendQueryError(response, namespace(service), fault);
      else sendJsonError(response, fault);
    }
  };
  return listen((request, response) => void handle(request, response), options);
}
