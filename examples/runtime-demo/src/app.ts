/**
 * The sample app: a support line written the way apps for the hosted API are written. It
 * checks every request's signature, answers with markup, and logs status callbacks.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VoiceResponse } from '@patchbay/markup';
import { SIGNATURE_HEADER, validateRequest } from '@patchbay/sdk';

export const SALES_AGENT = '+15550100200';

export interface SampleApp {
  readonly url: string;
  readonly callbacks: Array<Record<string, string>>;
  /** Requests whose signature did not validate (should stay empty). */
  readonly unsigned: string[];
  close(): Promise<void>;
}

function markup(path: string, params: Record<string, string>): string {
  const r = new VoiceResponse();
  switch (path) {
    case '/voice': {
      const menu = r.gather({ numDigits: 1, action: '/menu', timeout: 5 });
      menu.say(
        { voice: 'Polly.Joanna' },
        'Thanks for calling Patchbay. For sales, press 1. For our opening hours, press 2.',
      );
      r.say('Sorry, I did not get that.');
      r.redirect('/voice');
      break;
    }
    case '/menu':
      if (params.Digits === '1') {
        r.say('Connecting you to sales.');
        r.dial({ action: '/after-dial', timeout: 20 }).number({ url: '/whisper' }, SALES_AGENT);
      } else {
        r.say('We are open from nine to five, Monday to Friday. Goodbye.');
        r.hangup();
      }
      break;
    case '/whisper':
      r.say(`Incoming sales call from ${params.From}.`);
      break;
    case '/after-dial':
      r.say(
        params.DialCallStatus === 'completed'
          ? 'Thanks for calling. Goodbye.'
          : 'Sales is busy. Please call again later.',
      );
      break;
  }
  return r.toString();
}

export async function startSampleApp(authToken: string): Promise<SampleApp> {
  const callbacks: Array<Record<string, string>> = [];
  const unsigned: string[] = [];
  let base = '';
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const url = new URL(req.url ?? '/', base);
    const params = Object.fromEntries(new URLSearchParams(body));
    const signature = req.headers[SIGNATURE_HEADER.toLowerCase()];
    if (!validateRequest(authToken, typeof signature === 'string' ? signature : undefined, url.href, params))
      unsigned.push(url.pathname);
    if (url.pathname === '/status') {
      callbacks.push(params);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(markup(url.pathname, params));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    callbacks,
    unsigned,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
