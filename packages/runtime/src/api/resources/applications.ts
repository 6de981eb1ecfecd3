/**
 * /2010-04-01/Accounts/{AccountSid}/Applications: a named set of voice and messaging URLs
 * (VoiceUrl, VoiceMethod, VoiceFallbackUrl, StatusCallback, SmsUrl, ...). Calls created with
 * ApplicationSid, calls from client devices whose token names the application, and numbers with
 * a VoiceApplicationSid/SmsApplicationSid all follow it.
 */
import { newSid } from '../../sid.js';
import type { Store, StoredRecord } from '../../store/types.js';
import { apiDate, field, invalid, notFound } from '../http.js';
import { filtersFrom, pageBody, pageRequest } from '../paging.js';
import { type AppSettingsRecord, applySettings, DEFAULT_METHODS, settingsFrom, settingsJson } from './app-settings.js';
import type { Resource } from './context.js';
import { checkCount } from './counts.js';

export interface ApplicationRecord extends StoredRecord, AppSettingsRecord {
  readonly updatedAt: number;
}

export function applicationJson(app: ApplicationRecord) {
  return {
    sid: app.sid,
    account_sid: app.accountSid,
    api_version: '2010-04-01',
    ...settingsJson(app),
    sms_status_callback: app.smsStatusCallback ?? null,
    message_status_callback: app.smsStatusCallback ?? null,
    public_application_connect_enabled: false,
    date_created: apiDate(app.createdAt),
    date_updated: apiDate(app.updatedAt),
    uri: `/2010-04-01/Accounts/${app.accountSid}/Applications/${app.sid}.json`,
  };
}

/** The account's application, or a 400 naming the parameter that referred to it. */
export async function applicationFor(
  store: Store,
  accountSid: string,
  sid: string,
  parameter: string,
): Promise<ApplicationRecord> {
  const app = await store.get<ApplicationRecord>('application', accountSid, sid);
  if (!app) throw invalid(21200, parameter, `${sid} is not an application of this account`);
  return app;
}

export const applicationsResource: Resource = async (context) => {
  const { store, account, rest, query } = context;
  if (rest === 'Applications.json') {
    if (context.method === 'POST') {
      const form = await context.form();
      const base: ApplicationRecord = {
        sid: newSid('AP'),
        accountSid: account.sid,
        createdAt: context.now,
        updatedAt: context.now,
        friendlyName: field(form, 'FriendlyName') ?? '',
        ...DEFAULT_METHODS,
      };
      const app = applySettings(base, settingsFrom(form));
      await checkCount(context, 'application');
      await store.put('application', app);
      return { status: 201, body: applicationJson(app) };
    }
    if (context.method === 'GET') {
      const request = pageRequest(query);
      const page = await store.list<ApplicationRecord>('application', {
        accountSid: account.sid,
        where: filtersFrom(query, ['FriendlyName']),
        ...request,
      });
      const path = `/2010-04-01/Accounts/${account.sid}/Applications.json`;
      return { status: 200, body: pageBody('applications', path, query, request, page, applicationJson) };
    }
    return undefined;
  }
  const match = /^Applications\/(AP[0-9a-f]{32})\.json$/.exec(rest);
  if (!match) return undefined;
  const sid = match[1] as string;
  const app = await store.get<ApplicationRecord>('application', account.sid, sid);
  if (!app) throw notFound(sid);
  if (context.method === 'GET') return { status: 200, body: applicationJson(app) };
  if (context.method === 'POST') {
    const changes = settingsFrom(await context.form());
    const updated = await store.update<ApplicationRecord>('application', account.sid, sid, (current) =>
      applySettings({ ...current, updatedAt: context.now }, changes),
    );
    if (!updated) throw notFound(sid);
    return { status: 200, body: applicationJson(updated) };
  }
  if (context.method === 'DELETE') {
    await store.delete('application', account.sid, sid);
    return { status: 204 };
  }
  return undefined;
};
