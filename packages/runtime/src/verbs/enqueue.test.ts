import { describe, expect, it } from 'vitest';
import { APP_NUMBER, scenario } from '../testing/scenario.js';

const AGENT = '+15550008001';

const routes = {
  '/voice': () =>
    '<Response><Enqueue waitUrl="/wait" action="/queue-done">support</Enqueue><Say>Not reached after an action</Say></Response>',
  '/wait': () => '<Response><Say>Please hold</Say><Play>http://media.example/hold.mp3</Play></Response>',
  '/queue-done': (req: { params: Record<string, string | string[]> }) =>
    `<Response><Say>Queue result ${req.params.QueueResult}</Say></Response>`,
  '/agent': () =>
    '<Response><Dial action="/agent-done" timeout="60"><Queue url="/to-member">support</Queue></Dial></Response>',
  '/agent-done': () => '<Response/>',
  '/to-member': () => '<Response><Say>An agent will take your call now</Say></Response>',
};

describe('<Enqueue> and <Dial><Queue>', () => {
  it('waits with the wait document until an agent takes the caller, then resumes after the bridge', async () => {
    await using s = await scenario(routes);
    s.network.addNumber(AGENT, { ringMs: 10000, hangupAfterMs: 20000 });
    const caller = s.ringIn('+15550002001');
    const agent = s.runtime.calls.create({ to: AGENT, from: APP_NUMBER, url: `${s.app.url}/agent` });
    await Promise.all([s.runtime.calls.ended(caller), s.runtime.calls.ended(agent.sid)]);
    await s.runtime.callbacks.drain();

    const wait = s.app.requestsTo('/wait')[0]?.params;
    expect(wait).toMatchObject({
      QueuePosition: '1',
      CurrentQueueSize: '1',
      MaxQueueSize: '100',
      QueueTime: '0',
      QueueSid: expect.stringMatching(/^QU/),
    });
    // The agent hangs up 20 s after answering; the first 2.1 s go to the 7-word whisper.
    expect(s.app.requestsTo('/agent-done')[0]?.params).toMatchObject({
      DialCallStatus: 'completed',
      DialCallSid: caller,
      DialCallDuration: '18',
    });
    const done = s.app.requestsTo('/queue-done')[0]?.params;
    expect(done).toMatchObject({ QueueResult: 'bridged', QueueSid: wait?.QueueSid });
    expect(Number(done?.QueueTime)).toBeGreaterThanOrEqual(30);
    const lines = s.network.party('+15550002001')?.lines() ?? [];
    expect(lines).toContain('heard-speech "Please hold" (voice man, en-US)');
    expect(lines).toContain('heard-speech "An agent will take your call now" (voice man, en-US)');
    expect(lines).toContain(`bridged ${AGENT}`);
    expect(lines.at(-2)).toBe('heard-speech "Queue result bridged" (voice man, en-US)');
  });

  it('ends the agent’s bridge when the queued caller’s call is ended through REST', async () => {
    await using s = await scenario(routes);
    s.network.addNumber(AGENT, { ringMs: 10000, hangupAfterMs: 600_000 });
    const caller = s.ringIn('+15550002002');
    const agent = s.runtime.calls.create({ to: AGENT, from: APP_NUMBER, url: `${s.app.url}/agent` });
    await s.network.heard('+15550002002', (entry) => entry.type === 'bridged');
    await s.runtime.calls.update(caller, { status: 'completed' });
    const ended = await s.runtime.calls.ended(agent.sid);
    expect(ended.status).toBe('completed');
    const done = s.app.requestsTo('/agent-done')[0]?.params;
    expect(done).toMatchObject({ DialCallStatus: 'completed', DialCallSid: caller });
    expect(Number(done?.DialCallDuration)).toBeLessThan(60);
  });

  it('serves callers first in, first out', async () => {
    await using s = await scenario(routes);
    s.network.addNumber(AGENT, { ringMs: 5000, hangupAfterMs: 1000 });
    const first = s.ringIn('+15550002001');
    const second = s.ringIn('+15550002002');
    const one = s.runtime.calls.create({ to: AGENT, from: APP_NUMBER, url: `${s.app.url}/agent` });
    await s.runtime.calls.ended(one.sid);
    const two = s.runtime.calls.create({ to: AGENT, from: APP_NUMBER, url: `${s.app.url}/agent` });
    await Promise.all([first, second, two.sid].map((sid) => s.runtime.calls.ended(sid)));
    expect(s.app.requestsTo('/agent-done').map((r) => r.params.DialCallSid)).toEqual([first, second]);
  });

  it('leaves the queue on <Leave> and continues with the action', async () => {
    await using s = await scenario({
      ...routes,
      '/wait': () => '<Response><Say>Press nothing</Say><Leave/></Response>',
    });
    const { caller } = await s.inbound();
    expect(s.app.requestsTo('/queue-done')[0]?.params.QueueResult).toBe('leave');
    expect(caller.lines()).toContain('heard-speech "Queue result leave" (voice man, en-US)');
    expect(s.runtime.queues.get(s.runtime.accountSid, 'support')?.size).toBe(0);
  });

  it('reports queue-full when maxQueueSize is reached', async () => {
    await using s = await scenario({
      ...routes,
      '/voice': () =>
        '<Response><Enqueue maxQueueSize="1" waitUrl="/wait" action="/queue-done">support</Enqueue></Response>',
    });
    const waiting = s.ringIn('+15550002001', { hangupAfterMs: 60000 });
    await s.inbound({ from: '+15550002002' });
    expect(s.app.requestsTo('/queue-done').map((r) => r.params.QueueResult)).toEqual(['queue-full']);
    await s.runtime.calls.ended(waiting);
  });

  it('reports hangup when the caller hangs up while waiting, and the queue empties', async () => {
    await using s = await scenario(routes);
    await s.inbound({ hangupAfterMs: 15000 });
    expect(s.app.requestsTo('/queue-done')[0]?.params).toMatchObject({ QueueResult: 'hangup', QueueTime: '15' });
    expect(s.runtime.queues.get(s.runtime.accountSid, 'support')?.size).toBe(0);
  });

  it('plays hold music without a waitUrl', async () => {
    await using s = await scenario({ ...routes, '/voice': () => '<Response><Enqueue>support</Enqueue></Response>' });
    const { caller } = await s.inbound({ hangupAfterMs: 7000 });
    expect(caller.lines().filter((line) => line === 'heard-audio patchbay:hold-music')).toHaveLength(3);
  });

  it('times an agent out on an empty queue', async () => {
    await using s = await scenario({
      ...routes,
      '/agent': () => '<Response><Dial action="/agent-done" timeout="15"><Queue>support</Queue></Dial></Response>',
    });
    s.network.addNumber(AGENT);
    const agent = s.runtime.calls.create({ to: AGENT, from: APP_NUMBER, url: `${s.app.url}/agent` });
    const ended = await s.runtime.calls.ended(agent.sid);
    expect(s.app.requestsTo('/agent-done')[0]?.params).toMatchObject({
      DialCallStatus: 'no-answer',
      DialCallDuration: '0',
    });
    expect(ended.duration).toBe(15);
  });

  it('reports redirected and runs the new document when a waiting call is modified', async () => {
    await using s = await scenario({ ...routes, '/elsewhere': () => '<Response><Say>Moved</Say></Response>' });
    s.runtime.events.on('call.verb', (call, verb) => {
      if (verb === 'Play')
        void s.runtime.calls.update(call.sid, { url: `${s.app.url}/elsewhere` }).catch(() => undefined);
    });
    const { caller } = await s.inbound();
    expect(s.app.requestsTo('/queue-done')[0]?.params.QueueResult).toBe('redirected');
    expect(caller.lines()).toContain('heard-speech "Moved" (voice man, en-US)');
    expect(s.runtime.queues.get(s.runtime.accountSid, 'support')?.size).toBe(0);
  });
});
