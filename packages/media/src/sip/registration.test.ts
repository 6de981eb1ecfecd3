import { describe, expect, it } from 'vitest';
import { agentOn, open, sdp } from './agent.test-support.js';
import { Registrar } from './registrar.js';

describe('registrar and registration', () => {
  it('registers with digest (401), looks the contact up with its source, refreshes, and unregisters', async () => {
    const registrar = new Registrar({ minExpiresS: 1 });
    open.push(registrar);
    const server = await agentOn('127.0.31.30', {
      registrar,
      authorize: (req) =>
        req.method === 'REGISTER'
          ? { challenge: { realm: 'pb', password: (u) => (u === '100' ? 'pw' : undefined) } }
          : { allow: true },
    });
    const users: Array<string | undefined> = [];
    server.on('register', (_req, _source, user) => users.push(user));
    const phone = await agentOn('127.0.31.31');
    const reg = phone.register(`sip:127.0.31.30:${server.addresses[0]?.port}`, {
      aor: 'sip:100@pb.test',
      credentials: { username: '100', password: 'pw' },
      expiresS: 2,
    });
    expect(await new Promise((resolve) => reg.once('registered', resolve))).toBe(2);
    const [binding] = registrar.lookup('100@pb.test');
    expect(binding?.source).toMatchObject({ address: '127.0.31.31', port: phone.addresses[0]?.port });
    expect(await new Promise((resolve) => reg.once('registered', resolve))).toBe(2); // refreshed before expiry
    await reg.unregister();
    expect(registrar.lookup('100@pb.test')).toEqual([]);
    expect(users).toEqual(['100', '100', '100']);
  });

  it('calls a phone behind NAT at the address it registered from, not its unreachable Contact', async () => {
    const registrar = new Registrar();
    open.push(registrar);
    const server = await agentOn('127.0.31.30', { registrar });
    // The phone writes a private address into its Contact, as a phone behind NAT does.
    const phone = await agentOn('127.0.31.31', { publicAddress: '10.99.0.1' });
    const reg = phone.register(`sip:127.0.31.30:${server.addresses[0]?.port}`, { aor: 'sip:100@pb.test' });
    await new Promise((resolve) => reg.once('registered', resolve));
    const [binding] = registrar.lookup('100@pb.test');
    if (!binding) throw new Error('no binding');
    expect(binding.uri.host).toBe('10.99.0.1');
    const rang = new Promise<string | undefined>((resolve) =>
      phone.on('invite', (c) => {
        resolve(c.requestUri.host);
        c.reject(486);
      }),
    );
    const { source } = binding;
    const result = await server.invite(
      `sip:100@${binding.uri.host}:${binding.uri.port}`,
      {
        from: 'pbx',
        sdp: sdp(4000),
        destination: { transport: source.transport, host: source.address, port: source.port },
      },
      new AbortController().signal,
    );
    expect(await rang).toBe('10.99.0.1');
    expect(result).toMatchObject({ outcome: 'failed', status: 486 });
  });

  it('answers 423 below Min-Expires; the client raises Expires and succeeds', async () => {
    const registrar = new Registrar({ minExpiresS: 120 });
    open.push(registrar);
    const server = await agentOn('127.0.31.30', { registrar });
    const phone = await agentOn('127.0.31.31');
    const reg = phone.register(`sip:127.0.31.30:${server.addresses[0]?.port}`, {
      aor: 'sip:100@pb.test',
      expiresS: 30,
    });
    expect(await new Promise((resolve) => reg.once('registered', resolve))).toBe(120);
  });

  it('a wrong password fails registration', async () => {
    const server = await agentOn('127.0.31.30', {
      registrar: new Registrar(),
      authorize: () => ({ challenge: { realm: 'pb', password: () => 'right' } }),
    });
    const phone = await agentOn('127.0.31.31');
    const reg = phone.register(`sip:127.0.31.30:${server.addresses[0]?.port}`, {
      aor: 'sip:100@pb.test',
      credentials: { username: '100', password: 'wrong' },
    });
    expect(await new Promise((resolve) => reg.once('failed', (status) => resolve(status)))).toBe(401);
  });
});
