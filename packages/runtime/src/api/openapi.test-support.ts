/**
 * Checks real responses against the hosted API's official OpenAPI description
 * (`openapi/twilio_api_v2010.json`): the status is one the operation lists, and the body has
 * every property of the response schema with the right type (`null` where the property is
 * nullable), items of list pages included. Non-2xx answers must have the RestException shape.
 *
 * Ajv does the validating (it knows OpenAPI's `nullable`); the description's schemas are made
 * strict first, since they mark nothing `required`: every listed property becomes required.
 * Enum properties given by `$ref` may be null too, as OpenAPI 3.0 cannot say `nullable` beside a
 * `$ref` and the hosted API answers null for them when empty (`reason_conference_ended` of a
 * live room).
 *
 * @example
 * const spec = openApi();
 * spec.check('GET', '/2010-04-01/Accounts/AC.../Calls.json', 200, body); // [] or the problems
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HelperRequest, type PatchbayHttpClient, patchbayHttpClient } from '@patchbay/sdk';
import { Ajv, type ValidateFunction } from 'ajv';
import twilio from 'twilio';
import type { OfficialClient } from './harness.test-support.js';

export const SPEC_FILE = join(import.meta.dirname, '../../openapi/twilio_api_v2010.json');

type Schema = Record<string, unknown>;

interface Spec {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

const RFC_2822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

/** The description's formats, as the hosted API fills them. */
const FORMATS: Record<string, RegExp | true> = {
  'date-time-rfc-2822': RFC_2822,
  // Absolute http(s) URLs, and the relative ones of list pages (`first_page_uri`).
  uri: /^(https?:\/\/[^\s]+|\/[^\s]*)$/,
  'http-method': /^(GET|POST|PUT|DELETE|HEAD|PATCH)$/,
  currency: /^[A-Z]{3}$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  // Phone numbers, client: and sip: addresses alike.
  'phone-number': true,
  'uri-map': true,
  'phone-number-capabilities': true,
  'iso-country-code': true,
  endpoint: true,
  twiml: true,
  'ice-server': true,
};

export interface OpenApi {
  /** The operation's path template for a concrete path, e.g. `/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json`. */
  template(method: string, path: string): string | undefined;
  /** Problems with one response (empty when it conforms). */
  check(method: string, path: string, status: number, body: string): string[];
}

export function openApi(file = SPEC_FILE): OpenApi {
  const spec = JSON.parse(readFileSync(file, 'utf8')) as Spec;
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);

  const resolve = (ref: string) => spec.components.schemas[ref.replace('#/components/schemas/', '')] as Schema;

  /** The schema with $refs inlined, every object property required, and OpenAPI's nullable made Ajv's. */
  function strict(schema: Schema, fromRef = false): Schema {
    if (typeof schema.$ref === 'string') return strict(resolve(schema.$ref), true);
    const out: Schema = { ...schema };
    if (fromRef && Array.isArray(out.enum)) out.nullable = true;
    if (out.nullable && out.type === undefined) delete out.nullable;
    if (out.nullable && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.properties) {
      const properties = out.properties as Record<string, Schema>;
      out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, strict(v)]));
      out.required = Object.keys(properties);
    }
    if (out.items) out.items = strict(out.items as Schema);
    return out;
  }

  const templates = Object.keys(spec.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    literal: template.replace(/\{[^}]+\}/g, '').length,
  }));

  function template(method: string, path: string): string | undefined {
    const operations = templates
      .filter((t) => t.pattern.test(path) && spec.paths[t.template]?.[method.toLowerCase()])
      .sort((a, b) => b.literal - a.literal);
    return operations[0]?.template;
  }

  const validators = new Map<string, ValidateFunction | null>();
  function validator(path: string, method: string, status: string): ValidateFunction | null {
    const key = `${method} ${path} ${status}`;
    let found = validators.get(key);
    if (found === undefined) {
      const schema = spec.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema;
      found = schema ? ajv.compile(strict(schema)) : null;
      validators.set(key, found);
    }
    return found;
  }

  function check(method: string, path: string, status: number, body: string): string[] {
    const operationPath = template(method, path);
    const lower = method.toLowerCase();
    if (!operationPath) return [`${method} ${path}: no such operation in the description`];
    const where = `${method} ${operationPath} (${status})`;
    if (status >= 400) return restException(where, status, body);
    const listed = Object.keys(spec.paths[operationPath]?.[lower]?.responses ?? {});
    if (!listed.includes(String(status)))
      return [`${where}: status ${status}, the description lists ${listed.join(', ')}`];
    const validate = validator(operationPath, lower, String(status));
    if (!validate) return body === '' ? [] : [`${where}: a body where the description has none`];
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [`${where}: the body is not JSON`];
    }
    if (validate(parsed)) return [];
    return (validate.errors ?? []).map(
      (e) => `${where}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
    );
  }

  return { template, check };
}

/** The error shape every helper library reads: `{ code, message, more_info, status }`. */
function restException(where: string, status: number, body: string): string[] {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return [`${where}: the error body is not JSON`];
  }
  const problems: string[] = [];
  if (!Number.isInteger(parsed.code)) problems.push(`${where}: code is not an integer`);
  if (typeof parsed.message !== 'string') problems.push(`${where}: message is not a string`);
  if (typeof parsed.more_info !== 'string' || !FORMATS_URI.test(parsed.more_info))
    problems.push(`${where}: more_info is not a URL`);
  if (parsed.status !== status) problems.push(`${where}: status ${String(parsed.status)} is not the HTTP status`);
  return problems;
}

const FORMATS_URI = /^https?:\/\/\S+$/;

/** The official client whose every answer is checked: `problems` collects what does not conform. */
export interface CheckedClient {
  readonly client: OfficialClient;
  readonly problems: string[];
  /** `METHOD template` of each operation that answered 2xx (and was checked). */
  readonly exercised: Set<string>;
}

export function checkedClient(base: string, user: string, secret: string, spec: OpenApi): CheckedClient {
  const inner = patchbayHttpClient<PatchbayHttpClient>(base);
  const problems: string[] = [];
  const exercised = new Set<string>();
  const httpClient = {
    async request(options: HelperRequest) {
      const response = await inner.request(options);
      const { pathname } = new URL(inner.lastRequest?.url ?? '');
      const method = options.method.toUpperCase();
      problems.push(...spec.check(method, pathname, response.statusCode, response.body));
      const template = spec.template(method, pathname);
      if (template && response.statusCode < 300) exercised.add(`${method} ${template}`);
      return response;
    },
  };
  const client = twilio(user, secret, {
    httpClient: httpClient as unknown as InstanceType<typeof twilio.RequestClient>,
  });
  return { client, problems, exercised };
}
