/**
 * The softphone page, bundled for the browser from `@patchbay/sdk/client`: signs in with a token
 * from the token server, registers, rings (banner, and the SDK's ringtone playing this page's
 * `/ringtone.wav`) for incoming calls, places calls from the keypad, and in a call shows a timer,
 * the microphone level (the SDK's `volume` events) and offers mute, keypad tones and hang-up.
 * What goes wrong is shown in words (words.ts); what is shown lives in view.ts.
 */
import { type Call, Device, readTokenClaims } from '@patchbay/sdk/client';
import { LevelMeter } from './audio.js';
import { watchConnection } from './connection.js';
import { DeviceSettings } from './devices.js';
import { wireKeypad } from './keypad.js';
import { CallTimer, formatDuration } from './timer.js';
import { View } from './view.js';
import { type CallEnd, describeEnd, describeError, TokenServerError } from './words.js';

const query = new URLSearchParams(location.search);
const identity = query.get('identity') ?? 'alice';
const transport = (query.get('transport') ?? 'auto') as 'auto' | 'websocket' | 'long-poll';

const view = new View();
const meter = new LevelMeter(view.el.level);
const timer = new CallTimer((text) => {
  view.el.timer.textContent = text;
});
let device: Device | undefined;
/** The call in progress (placed, or accepted). */
let current: Call | undefined;
/** The invitation the banner shows. */
let invitation: Call | undefined;

async function fetchToken(): Promise<{ token: string; server: string }> {
  let response: Response;
  try {
    response = await fetch(`/token?identity=${encodeURIComponent(identity)}`, { cache: 'no-store' });
  } catch (error) {
    throw new TokenServerError('Could not sign in: the sign-in server cannot be reached.', { cause: error });
  }
  if (!response.ok) throw new TokenServerError(`Could not sign in: the sign-in server said no (${response.status}).`);
  return (await response.json()) as { token: string; server: string };
}

function problem(error: unknown): void {
  view.alert(describeError(error), () => void signIn());
}

function peerOf(call: Call): string {
  if (call.direction === 'OUTGOING') return call.parameters.To ?? 'Unknown';
  return call.customParameters.get('caller') ?? call.parameters.From ?? 'Unknown caller';
}

/** Follows a placed or accepted call until it ends; returns what ends it by hand (a failed accept). */
function follow(call: Call): (how?: CallEnd) => void {
  current = call;
  const peer = peerOf(call);
  let connected = false;
  let over = false;
  view.el.to.value = '';
  view.phone('calling', call.direction === 'INCOMING' ? 'Connecting…' : 'Calling…', peer);
  const open = () => {
    if (connected) return;
    connected = true;
    view.phone('in-call', 'In call', peer);
    view.el.timer.hidden = false;
    timer.start();
    meter.follow(call);
  };
  const end = (how?: CallEnd) => {
    if (over) return;
    over = true;
    const lasted = timer.stop();
    meter.stop();
    void settings.callEnded();
    if (current === call) current = undefined;
    const outcome = describeEnd(call.direction, how ?? (connected ? 'completed' : 'missed'));
    const duration = connected ? formatDuration(lasted) : undefined;
    view.el.timer.hidden = true;
    view.el.to.value = '';
    view.phone('idle', duration ? `${outcome} · ${duration}` : outcome);
    view.recent({ direction: call.direction, peer, outcome, duration });
  };
  call.on('ringing', () => view.phone('calling', 'Ringing…', peer));
  call.on('accept', open);
  call.on('reconnecting', () => {
    view.phone('reconnecting', 'Reconnecting…', peer);
    view.alert({ text: 'The network connection was lost. Trying to reconnect; the call goes on if it comes back.' });
  });
  call.on('reconnected', () => {
    view.phone('in-call', 'In call', peer);
    view.alert(undefined);
  });
  call.on('mute', (muted) => view.muted(muted));
  call.on('error', problem);
  call.on('cancel', () => end('failed'));
  call.on('disconnect', () => end());
  // A placed call may be ringing, answered or over by the time connect() resolves.
  const status = call.status();
  if (status === 'ringing') view.phone('calling', 'Ringing…', peer);
  else if (status === 'open') open();
  else if (status === 'closed') end();
  return end;
}

/** Shows an invitation: banner, Accept and Decline (the SDK rings until it is settled). */
function offer(call: Call): void {
  const caller = peerOf(call);
  if (current || invitation) {
    // One call at a time: this one keeps ringing the identity's other devices.
    call.ignore();
    view.recent({ direction: 'INCOMING', peer: caller, outcome: 'Missed call (busy)' });
    return;
  }
  invitation = call;
  const screening = call.customParameters.get('screening');
  const details = [...call.customParameters].filter(([name]) => name !== 'caller' && name !== 'screening');
  view.phone('incoming', 'Incoming call', caller);
  view.incoming({ caller, screening, details });
  const settle = () => {
    if (invitation !== call) return;
    invitation = undefined;
    view.incoming(undefined);
  };
  call.on('cancel', (reason) => {
    if (invitation !== call) return;
    settle();
    const outcome = describeEnd('INCOMING', reason === 'answered-elsewhere' ? 'answered-elsewhere' : 'missed');
    view.phone('idle', outcome);
    view.recent({ direction: 'INCOMING', peer: caller, outcome });
  });
  view.el.accept.onclick = () => {
    if (invitation !== call) return;
    const end = follow(call);
    settle();
    settings
      .callStarting()
      .then(() => call.accept())
      .catch((error: unknown) => {
        problem(error);
        end('failed');
      });
  };
  view.el.reject.onclick = () => {
    if (invitation !== call) return;
    settle();
    view.phone('idle', describeEnd('INCOMING', 'declined'));
    view.recent({ direction: 'INCOMING', peer: caller, outcome: describeEnd('INCOMING', 'declined') });
    call.reject().catch(problem);
  };
}

function createDevice(token: string, server: string): Device {
  // The SDK rings with this page's own ringtone rather than the one Patchbay serves.
  const sounds = { incoming: new URL('/ringtone.wav', location.href).href };
  const created = new Device(token, { server, transport, agent: 'patchbay-softphone', sounds });
  created.on('registering', () => view.registration('registering'));
  created.on('registered', () => {
    view.registration('registered', created.transportKind);
    view.alert(undefined);
  });
  created.on('unregistered', () => view.registration('unregistered'));
  created.on('error', (error) => {
    if (error.errorName === 'ConnectionError' || error.errorName === 'TransportError') view.registration('offline');
    problem(error);
  });
  created.on('incoming', offer);
  created.on('tokenWillExpire', async () => {
    try {
      const { token: fresh } = await fetchToken();
      // A token that expires no later than the one in use would only warn again at once.
      const before = readTokenClaims(created.token)?.expiresAt ?? 0;
      if ((readTokenClaims(fresh)?.expiresAt ?? 0) <= before) return;
      await created.updateToken(fresh);
    } catch (error) {
      problem(error);
    }
  });
  return created;
}

/** The connection is watched from the first registration on (the watch ends with the device). */
let watching = false;

/** Signs in (again): a fresh token, then registration. */
async function signIn(): Promise<void> {
  view.alert(undefined);
  view.registration('registering');
  try {
    const { token, server } = await fetchToken();
    if (!device || device.state === 'destroyed') {
      device = createDevice(token, server);
      void settings.applySpeaker().catch(() => undefined);
    } else await device.updateToken(token);
    view.el.identity.textContent = device.identity ?? identity;
    await device.register();
    if (!watching) {
      watching = true;
      watchConnection(device, (up) => {
        connectionState();
        if (up) connectionBack();
        else if (navigator.onLine) view.alert({ text: LOST });
      });
    }
  } catch (error) {
    view.registration(device?.state === 'registered' ? 'registered' : 'unregistered');
    problem(error);
  }
}

wireKeypad(view, (digit) => {
  if (!current) return false;
  if (current.status() === 'open') {
    try {
      current.sendDigits(digit);
    } catch (error) {
      problem(error);
    }
  }
  return true;
});
view.el.mute.onclick = () => current?.mute(!current.isMuted());
view.el.hangup.onclick = () => current?.disconnect();
view.el.dial.onsubmit = async (event) => {
  event.preventDefault();
  if (current || invitation || !device) return;
  const to = view.el.to.value.trim();
  if (!to) {
    view.alert({ text: 'Enter a number to call.' });
    view.el.to.focus();
    return;
  }
  view.alert(undefined);
  view.phone('calling', 'Calling…', to);
  try {
    await settings.callStarting();
    follow(await device.connect({ params: { To: to } }));
  } catch (error) {
    void settings.callEnded();
    view.phone('idle', describeEnd('OUTGOING', 'failed'));
    view.recent({ direction: 'OUTGOING', peer: to, outcome: describeEnd('OUTGOING', 'failed') });
    problem(error);
  }
};
/** The registration pill while signed in: ready only with a connection to the service. */
function connectionState(): void {
  if (!device || device.state === 'destroyed') return;
  if (!navigator.onLine) view.registration('offline');
  else if (device.transportKind === undefined) view.registration('reconnecting');
  else view.registration(device.state === 'registered' ? 'registered' : 'unregistered', device.transportKind);
}
const LOST = 'The connection to the phone service was lost. Reconnecting…';
const OFFLINE = 'This computer is offline. The phone reconnects when the network is back.';
/** Clears the message if it is about the connection (and leaves any other). */
function connectionBack(): void {
  const shown = view.el.alertText.textContent;
  if (navigator.onLine && (shown === LOST || shown === OFFLINE)) view.alert(undefined);
}
window.addEventListener('offline', () => {
  connectionState();
  view.alert({ text: OFFLINE });
});
window.addEventListener('online', () => {
  connectionBack();
  connectionState();
});

view.el.identity.textContent = identity;
const settings = new DeviceSettings(
  {
    microphone: view.el.microphone,
    speaker: view.el.speaker,
    note: view.el.devicesNote,
    allow: view.el.allowDevices,
  },
  () => device,
);
void settings.refresh();
void signIn();
