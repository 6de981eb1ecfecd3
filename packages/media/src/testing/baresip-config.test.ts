import { describe, expect, it } from 'vitest';
import { accountLine, baresipConfig } from './baresip-config.js';

describe('baresip config', () => {
  it('listens on its own address, loads only what a headless test phone needs', () => {
    const text = baresipConfig({
      address: '127.0.0.2',
      sipPort: 5062,
      ctrlPort: 4444,
      source: '/t/a.wav',
      recordDir: '/t',
    });
    expect(text).toContain('sip_listen\t127.0.0.2:5062\n');
    expect(text).toContain('net_interface\t127.0.0.2\n');
    expect(text).toContain('ctrl_tcp_listen\t127.0.0.2:4444\n');
    expect(text).toContain('audio_source\taufile,/t/a.wav\n');
    expect(text).toContain('snd_path\t/t\n');
    expect(text).not.toContain('stdio');
    expect(() =>
      baresipConfig({ address: '1', sipPort: 1, ctrlPort: 2, source: 'a\nmodule x', recordDir: '/' }),
    ).toThrow(RangeError);
  });

  it('writes a direct phone, and an account that registers with digest through a registrar', () => {
    expect(accountLine({ address: '127.0.0.2', sipPort: 5062, autoAnswer: true })).toBe(
      '<sip:phone@127.0.0.2:5062>;regint=0;answermode=auto;audio_codecs=PCMU,PCMA;ptime=20',
    );
    expect(
      accountLine({
        address: '127.0.0.2',
        sipPort: 5062,
        account: { user: 'alice', domain: 'acme.sip.test', password: 's3cret', registrar: '127.0.0.1:5080' },
      }),
    ).toBe(
      '<sip:alice@acme.sip.test>;regint=600;auth_user=alice;auth_pass=s3cret;outbound="sip:127.0.0.1:5080";answermode=manual;audio_codecs=PCMU,PCMA;ptime=20',
    );
    expect(accountLine({ address: 'a', sipPort: 1, account: { user: 'bob', domain: 'd', register: false } })).toMatch(
      /^<sip:bob@d>;regint=0;answermode=manual/,
    );
  });

  it('refuses values that would inject account parameters', () => {
    expect(() =>
      accountLine({ address: 'a', sipPort: 1, account: { user: 'x', domain: 'd', password: 'p;regint=1' } }),
    ).toThrow(RangeError);
  });
});
