/**
 * The AWS Query protocol as STS and CloudFormation speak it: a form-encoded request naming its
 * Action, an XML answer `<ActionResponse><ActionResult>…</ActionResult></ActionResponse>`, an error
 * `<ErrorResponse><Error><Code>…`. And who signed a request: SigV4's credential scope.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NamedError } from '#commons/errors.js';

/** An answer the client parses as the service's named error. */
export class ServiceFault extends NamedError {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(code, message);
  }
}

/** The access key, region and service a SigV4 request was signed for. */
export interface Signer {
  accessKeyId: string;
  region: string;
  service: string;
}

const CREDENTIAL = /Credential=([^/\s,]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

export function signerOf(request: IncomingMessage): Signer {
  const match = CREDENTIAL.exec(String(request.headers.authorization ?? ''));
  if (!match) throw new ServiceFault('MissingAuthenticationToken', 'Request is missing a SigV4 Authorization header.', 403);
  return { accessKeyId: match[1] as string, region: match[2] as string, service: match[3] as string };
}

export const formOf = (body: string): Record<string, string> => Object.fromEntries(new URLSearchParams(body));

const escaped = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export type Xml = string | number | boolean | undefined | Xml[] | { [element: string]: Xml };

/** Elements from an object; a list is `<member>` elements, as the Query protocol writes lists. */
export function xml(value: Xml): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${xml(item)}</member>`).join('');
  if (typeof value === 'object')
    return Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([element, item]) => `<${element}>${xml(item)}</${element}>`)
      .join('');
  return escaped(String(value));
}

const send = (response: ServerResponse, status: number, body: string): void => {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  response.end(body);
};

export function sendQueryResult(response: ServerResponse, namespace: string, action: string, result: { [element: string]: Xml }): void {
  send(
    response,
    200,
    `<${action}Response xmlns="${namespace}"><${action}Result>${xml(result)}</${action}Result>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  );
}

export function sendQueryError(response: ServerResponse, namespace: string, fault: ServiceFault): void {
  send(
    response,
    fault.status,
    `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${escaped(fault.code)}</Code>` +
      `<Message>${escaped(fault.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

export function sendJsonError(response: ServerResponse, fault: ServiceFault): void {
  if (response.headersSent || response.destroyed) return;
  const body = JSON.stringify({ __type: fault.code, message: fault.message });
  response.writeHead(fault.status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
