/**
 * The demo: a runtime on the simulated network, in real time with short media, routes
 * +15550100100 to the sample app. A caller rings in and presses 1; the sales agent hears a
 * whisper, is bridged, and hangs up after a while. Then everything that happened is printed.
 */
import { createRuntime, formatEntry, type Party, SimulatedNetwork } from '@patchbay/runtime';
import { SALES_AGENT, startSampleApp } from './app.js';

export const SUPPORT_LINE = '+15550100100';
export const CALLER = '+15550199000';
const AUTH_TOKEN = 'demo-auth-token';

function transcript(party: Party, start: number): string[] {
  return party.transcript.map(
    (entry) => `  ${((entry.at - start) / 1000).toFixed(1).padStart(5)} s  ${formatEntry(entry)}`,
  );
}

export async function runDemo(print: (line: string) => void): Promise<{ unsigned: string[]; callbacks: number }> {
  const app = await startSampleApp(AUTH_TOKEN);
  // Real time, with media shortened so the whole call takes a couple of seconds.
  const network = new SimulatedNetwork({
    timing: { msPerWord: 40, audioMs: 300, beepMs: 50, digitMs: 50, inputDelayMs: 300 },
  });
  network.addNumber(SALES_AGENT, { ringMs: 400, hangupAfterMs: 1500 });
  const runtime = createRuntime({
    media: network,
    authToken: AUTH_TOKEN,
    incoming: ({ to }) =>
      to === SUPPORT_LINE
        ? {
            url: `${app.url}/voice`,
            statusCallback: `${app.url}/status`,
            statusCallbackEvent: ['ringing', 'answered', 'completed'],
          }
        : undefined,
  });
  runtime.events.on('call.status', (call, previous) =>
    print(`[${call.sid.slice(0, 10)}…] ${call.direction} ${previous} -> ${call.status}`),
  );
  runtime.events.on('call.verb', (call, verb) => print(`[${call.sid.slice(0, 10)}…] <${verb}>`));

  print(`Sample app on ${app.url}; ${SUPPORT_LINE} routed to ${app.url}/voice.`);
  print(`${CALLER} calls ${SUPPORT_LINE} and presses 1.\n`);
  const start = Date.now();
  let sid = '';
  runtime.events.once('call.created', (call) => {
    sid = call.sid;
  });
  const caller = network.call({ from: CALLER, to: SUPPORT_LINE, inputs: [{ digits: '1' }] });
  const ended = await runtime.calls.ended(sid);
  await runtime.callbacks.drain();

  print(`\nThe call ended ${ended.status} after ${ended.duration} s.`);
  print(`\nWhat the caller (${CALLER}) heard and did:`);
  for (const line of transcript(caller, start)) print(line);
  const agent = network.party(SALES_AGENT);
  print(`\nWhat the sales agent (${SALES_AGENT}) heard and did:`);
  for (const line of agent ? transcript(agent, start) : []) print(line);
  print('\nStatus callbacks the app received:');
  for (const callback of app.callbacks) {
    print(
      `  #${callback.SequenceNumber} ${callback.CallStatus}${callback.CallDuration ? ` (CallDuration ${callback.CallDuration})` : ''} for ${callback.CallSid?.slice(0, 10)}…`,
    );
  }
  print(
    `\nEvery webhook carried a valid X-Twilio-Signature: ${app.unsigned.length === 0 ? 'yes' : `no (${app.unsigned.join(', ')})`}`,
  );
  await runtime.close();
  await network.close();
  await app.close();
  return { unsigned: app.unsigned, callbacks: app.callbacks.length };
}
