/** Child process of the organization bench, started by bench/run.ts (measure-org.ts). */
import { readChildSpec, runChild } from '#bench/support/child-protocol.js';
import { measureOrganization } from './measure-org.js';
import type { OrgSpec } from './types.js';

runChild(() => measureOrganization(readChildSpec<OrgSpec>()));
