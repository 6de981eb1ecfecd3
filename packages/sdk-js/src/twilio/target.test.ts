import { describe, expect, it } from 'vitest';
import { PatchbayUrlError, patchbayBase, patchbayUri } from './target.js';

function failure(action: () => unknown): PatchbayUrlError {
  try {
    action();
  } catch (error) {
    if (error instanceof PatchbayUrlError) return error;
    throw error;
  }
  throw new Error('expected a PatchbayUrlError');
}

describe('patchbayUri', () => {
  const base = patchbayBase('http://127.0.0.1:3000');

  it('sends the api and accounts hosts, with any edge and region, to the server', () => {
    for (const host of [
      'api.twilio.com',
      'accounts.twilio.com',
      'api.au1.twilio.com',
      'api.sydney.au1.twilio.com',
      'accounts.dublin.ie1.twilio.com',
      'api.twilio.com:443',
    ]) {
      expect(patchbayUri(base, `https://${host}/2010-04-01/Accounts.json?PageSize=2`)).toBe(
        'http://127.0.0.1:3000/2010-04-01/Accounts.json?PageSize=2',
      );
    }
  });

  it('keeps a path prefix of the server URL, and leaves URLs already on the server alone', () => {
    const proxied = patchbayBase('https://voice.example.com/patchbay/');
    expect(patchbayUri(proxied, 'https://api.twilio.com/2010-04-01/Accounts.json')).toBe(
      'https://voice.example.com/patchbay/2010-04-01/Accounts.json',
    );
    expect(patchbayUri(proxied, 'https://voice.example.com/patchbay/v1/AuthTokens/Promote')).toBe(
      'https://voice.example.com/patchbay/v1/AuthTokens/Promote',
    );
  });

  it("sends the voice host's trunk resources (BYOC trunks, connection policies), and nothing else of it", () => {
    expect(patchbayUri(base, 'https://voice.twilio.com/v1/ByocTrunks/BY1')).toBe(
      'http://127.0.0.1:3000/v1/ByocTrunks/BY1',
    );
    expect(patchbayUri(base, 'https://voice.twilio.com/v1/ConnectionPolicies/NY1/Targets?PageSize=1')).toBe(
      'http://127.0.0.1:3000/v1/ConnectionPolicies/NY1/Targets?PageSize=1',
    );
    for (const uri of [
      'https://voice.twilio.com/v1/ByocTrunksX',
      'https://voice.twilio.com/v1/Archives/2020-01-01/Calls',
    ])
      expect(failure(() => patchbayUri(base, uri)).code).toBe('unserved-host');
  });

  it('refuses other hosts before anything is sent', () => {
    for (const uri of [
      'https://voice.twilio.com/v1/DialingPermissions',
      'https://tls-test.twilio.com:443',
      'https://api.twilio.com.evil.example/2010-04-01/Accounts.json',
      'http://api.twilio.com/2010-04-01/Accounts.json',
      'https://example.com/2010-04-01/Accounts.json',
      'http://127.0.0.1:3001/2010-04-01/Accounts.json',
    ]) {
      expect(failure(() => patchbayUri(base, uri)).code).toBe('unserved-host');
    }
  });
});

describe('patchbayBase', () => {
  it('says what is wrong with a missing or non-http(s) URL', () => {
    expect(failure(() => patchbayBase(undefined, 'PATCHBAY_URL'))).toMatchObject({
      code: 'missing-url',
      message: expect.stringContaining('PATCHBAY_URL is not set'),
    });
    expect(failure(() => patchbayBase(' ')).code).toBe('missing-url');
    expect(failure(() => patchbayBase('localhost:3000')).code).toBe('invalid-url');
    expect(failure(() => patchbayBase('ftp://example.com')).code).toBe('invalid-url');
    expect(failure(() => patchbayBase('not a url')).code).toBe('invalid-url');
  });

  it('says how to write a URL given without its scheme, as the CLI does', () => {
    for (const url of ['localhost:3000', '127.0.0.1:3000', 'voice.example.com']) {
      expect(failure(() => patchbayBase(url, 'PATCHBAY_URL'))).toMatchObject({
        code: 'invalid-url',
        message: `PATCHBAY_URL "${url}" has no scheme: write it as http://${url}`,
      });
    }
  });
});
