/** The SIP resources of the 2010-04-01 API, tried in turn. */
import type { Resource } from '../context.js';
import { credentialListsResource } from './credentials.js';
import { domainsResource } from './domains.js';
import { ipAclsResource } from './ip-acls.js';
import { mappingsResource } from './mappings.js';

const SIP_RESOURCES: readonly Resource[] = [domainsResource, mappingsResource, credentialListsResource, ipAclsResource];

export const sipResource: Resource = async (context) => {
  if (!context.rest.startsWith('SIP/')) return undefined;
  for (const resource of SIP_RESOURCES) {
    const result = await resource(context);
    if (result) return result;
  }
  return undefined;
};
