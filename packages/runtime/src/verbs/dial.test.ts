import { describe, expect, it } from 'vitest';
import { parseScript } from '../adapters/simulated/script.js';
import { APP_NUMBER, CALLER, scenario } from '../testing/scenario.js';

const AGENT = '+15550007001';
const OTHER = '+15550007002';

describe('<Dial>', () => {
  it('bridges the caller with the number, then posts DialCallStatus, DialCallSid and DialCallDuration', async () => {
    await using s = await scenario({
      '/voice': () => `<Response><Dial action="/after">${AGENT}</Dial></Response>`,
      '/after': () => '<Response><Say>Thanks for calling</Say></Response>',
    });
    s.network.addNumber(AGENT, { ringMs: 3000, hangupAfterMs: 42000 });
    const { call, caller } = await s.inbound();
    const after = s.app.requestsTo('/after')[0]?.params;
    expect(after).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '42', CallStatus: 'in-progress' });
    const child = s.runtime.calls.get(String(after?.DialCallSid));
    expect(child).toMatchObject({
      direction: 'outbound-dial',
      parentCallSid: call.sid,
      from: CALLER,
      to: AGENT,
      status: 'completed',
      duration: 42,
    });
    expect(caller.lines()).toEqual([
      'answered',
      `bridged ${AGENT}`,
      `unbridged ${AGENT}`,
      'heard-speech "Thanks for calling" (voice man, en-US)',
      'disconnected',
    ]);
    expect(s.network.party(AGENT)?.lines()).toEqual(['ringing', 'answered', `bridged ${CALLER}`, 'hung-up']);
  });

  it('rings nouns in parallel: the first to answer wins and the others are canceled', async () => {
    await using s = await scenario({
      '/voice': () => `<Response><Dial><Number>${AGENT}</Number><Number>${OTHER}</Number></Dial></Response>`,
    });
    s.network.addNumber(AGENT, { ringMs: 5000 });
    s.network.addNumber(OTHER, { ringMs: 2000, hangupAfterMs: 1000 });
    await s.inbound();
    expect(s.network.party(OTHER)?.lines()).toEqual(['ringing', 'answered', `bridged ${CALLER}`, 'hung-up']);
    expect(s.network.party(AGENT)?.lines()).toEqual(['ringing', 'canceled']);
    const children = s.runtime.calls.list({ direction: 'outbound-dial' });
    expect(children.map((c) => [c.to, c.status]).sort()).toEqual([
      [AGENT, 'canceled'],
      [OTHER, 'completed'],
    ]);
  });

  it('rings one after another with sequential="true"', async () => {
    await using s = await scenario({
      '/voice': () =>
        `<Response><Dial sequential="true"><Number>${AGENT}</Number><Number>${OTHER}</Number></Dial></Response>`,
    });
    s.network.addNumber(AGENT, { onCall: 'busy' });
    s.network.addNumber(OTHER, { hangupAfterMs: 1000 });
    await s.inbound();
    expect(s.network.party(AGENT)?.lines()).toEqual(['ringing', 'busy']);
    expect(s.network.party(OTHER)?.lines()).toContain(`bridged ${CALLER}`);
  });

  it.each([
    ['busy', { onCall: 'busy' as const }],
    ['no-answer', { onCall: 'no-answer' as const }],
    ['failed', { onCall: 'fail' as const }],
  ])('reports %s to the action, after ringing at most the Dial timeout', async (status, behaviour) => {
    await using s = await scenario({
      '/voice': () => `<Response><Dial timeout="10" action="/after"><Number>${AGENT}</Number></Dial></Response>`,
      '/after': () => '<Response/>',
    });
    s.network.addNumber(AGENT, behaviour);
    const { call } = await s.inbound();
    expect(s.app.requestsTo('/after')[0]?.params).toMatchObject({
      DialCallStatus: status,
      DialCallDuration: '0',
      DialCallSid: expect.stringMatching(/^CA/),
    });
    if (status === 'no-answer') expect((call.endedAt ?? 0) - (call.startedAt ?? 0)).toBe(10000);
  });

  it('continues with the next verb when there is no action', async () => {
    await using s = await scenario({
      '/voice': () => `<Response><Dial>${AGENT}</Dial><Say>Nobody answered</Say></Response>`,
    });
    s.network.addNumber(AGENT, { onCall: 'busy' });
    expect((await s.inbound()).caller.lines()).toContain('heard-speech "Nobody answered" (voice man, en-US)');
  });

  it('runs the whisper document on the answered party and plays sendDigits to it before bridging', async () => {
    await using s = await scenario({
      '/voice': () => `<Response><Dial><Number url="/whisper" sendDigits="ww12">${AGENT}</Number></Dial></Response>`,
      '/whisper': (req) => `<Response><Say>Call from ${req.params.From}</Say></Response>`,
    });
    s.network.addNumber(AGENT, { hangupAfterMs: 5000 });
    await s.inbound();
    expect(s.network.party(AGENT)?.lines()).toEqual([
      'ringing',
      'answered',
      'heard-digits ww12',
      `heard-speech "Call from ${CALLER}" (voice man, en-US)`,
      `bridged ${CALLER}`,
      'hung-up',
    ]);
    expect(s.app.requestsTo('/whisper')[0]?.params).toMatchObject({
      Direction: 'outbound-dial',
      ParentCallSid: expect.stringMatching(/^CA/),
    });
  });

  it('ends the bridge at timeLimit, and when the caller presses * with hangupOnStar', async () => {
    await using s = await scenario({
      '/voice': (req) =>
        req.params.From === CALLER
          ? `<Response><Dial timeLimit="30" action="/after">${AGENT}</Dial></Response>`
          : `<Response><Dial hangupOnStar="true" action="/after">${OTHER}</Dial></Response>`,
      '/after': () => '<Response/>',
    });
    await s.inbound();
    expect(s.app.requestsTo('/after')[0]?.params.DialCallDuration).toBe('30');
    expect(s.network.party(AGENT)?.lines().at(-1)).toBe('disconnected');
    await s.inbound({ from: '+15550002999', inputs: [{ digits: '*', afterMs: 7000 }] });
    expect(s.app.requestsTo('/after')[1]?.params).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '7' });
    expect(s.network.party(OTHER)?.lines()).toEqual([
      'ringing',
      'answered',
      'bridged +15550002999',
      // The key crosses the bridge before it ends it.
      'heard-digits *',
      'unbridged +15550002999',
      'disconnected',
    ]);
  });

  it('keeps the caller unanswered until the bridge with answerOnBridge', async () => {
    await using s = await scenario({
      '/voice': () => `<Response><Dial answerOnBridge="true">${AGENT}</Dial></Response>`,
    });
    s.network.addNumber(AGENT, { ringMs: 8000, hangupAfterMs: 1000 });
    const { call } = await s.inbound();
    expect((call.startedAt ?? 0) - call.createdAt).toBe(8000);
  });

  it('uses callerId when given, and sends each child call its own status callbacks', async () => {
    await using s = await scenario({
      '/voice': () =>
        `<Response><Dial callerId="+15559990000"><Number statusCallback="/child" statusCallbackEvent="initiated answered completed">${AGENT}</Number></Dial></Response>`,
      '/child': () => '',
    });
    s.network.addNumber(AGENT, { hangupAfterMs: 3000 });
    await s.inbound();
    const events = s.app.requestsTo('/child').map((r) => [r.params.CallStatus, r.params.From, r.params.SequenceNumber]);
    expect(events).toEqual([
      ['initiated', '+15559990000', '0'],
      ['in-progress', '+15559990000', '1'],
      ['completed', '+15559990000', '2'],
    ]);
  });

  it('dials a number as a SIP caller presents it: its user part when a number, else the number it called', async () => {
    await using s = await scenario({
      '/voice': () => `<Response><Dial><Number>${AGENT}</Number></Dial></Response>`,
    });
    s.network.addNumber(AGENT, { hangupAfterMs: 1000 });
    await s.inbound({ from: 'sip:alice@pbx.example.com' });
    await s.inbound({ from: 'sip:+15550003333@pbx.example.com' });
    const children = s.runtime.calls.list({ direction: 'outbound-dial' }).map((call) => call.from);
    expect(children.sort()).toEqual([APP_NUMBER, '+15550003333'].sort());
  });

  it('rings client identities; nobody registered means no-answer', async () => {
    await using s = await scenario({
      '/voice': () =>
        '<Response><Dial action="/after" timeout="5"><Client><Identity>alice</Identity><Parameter name="ticket" value="7"/></Client></Dial></Response>',
      '/after': () => '<Response/>',
    });
    await s.inbound();
    expect(s.app.requestsTo('/after')[0]?.params.DialCallStatus).toBe('no-answer');
    expect(s.runtime.calls.list({ direction: 'outbound-dial' })[0]?.to).toBe('client:alice');
  });

  it('cancels every ringing party when the caller hangs up', async () => {
    await using s = await scenario({
      '/voice': () => `<Response><Dial><Number>${AGENT}</Number><Number>${OTHER}</Number></Dial></Response>`,
    });
    s.network.addNumber(AGENT, { ringMs: 20000 });
    s.network.addNumber(OTHER, { ringMs: 20000 });
    const { call } = await s.inbound({ hangupAfterMs: 3000 });
    expect(call.status).toBe('completed');
    expect(s.network.party(AGENT)?.lines()).toEqual(['ringing', 'canceled']);
    expect(s.runtime.calls.list({ direction: 'outbound-dial' }).map((c) => c.status)).toEqual(['canceled', 'canceled']);
  });

  it("follows a dialed far end's script: it rings, accepts the whisper with a key, talks, and hangs up", async () => {
    await using s = await scenario({
      '/voice': () => `<Response><Dial action="/after"><Number url="/whisper">${AGENT}</Number></Dial></Response>`,
      '/whisper': () =>
        '<Response><Gather numDigits="1" action="/accept"><Say>Press 1 to take the call</Say></Gather><Hangup/></Response>',
      '/accept': (req) => (req.params.Digits === '1' ? '<Response/>' : '<Response><Hangup/></Response>'),
      '/after': () => '<Response/>',
    });
    s.network.addNumber(AGENT, {
      ringMs: 4000,
      script: parseScript('wait; press 1; pause 1; say Hello, this is Sam; pause 2; hangup'),
    });
    const { call, caller } = await s.inbound();
    expect(s.app.requestsTo('/accept')[0]?.params).toMatchObject({ Digits: '1', Direction: 'outbound-dial' });
    expect(s.app.requestsTo('/after')[0]?.params).toMatchObject({ DialCallStatus: 'completed' });
    expect(caller.lines()).toEqual([
      'answered',
      `bridged ${AGENT}`,
      'heard-speech "Hello, this is Sam"',
      `unbridged ${AGENT}`,
      'disconnected',
    ]);
    // Rang 4 s, heard the 6-word whisper (1.8 s), a key (0.15 s), a second, 4 words (1.2 s), 2 s.
    expect((call.endedAt ?? 0) - call.createdAt).toBe(4000 + 1800 + 150 + 1000 + 1200 + 2000);
  });
});
