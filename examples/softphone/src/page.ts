/**
 * The softphone page (bundled for the browser from `@patchbay/sdk/client`): gets a token from the
 * token server, registers, shows incoming calls with Accept/Reject, places calls, and has a
 * keypad, mute and hang-up. Everything it does is also written to #log.
 */
import { type Call, Device, type DeviceError } from '@patchbay/sdk/client';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const query = new URLSearchParams(location.search);
const identity = query.get('identity') ?? 'alice';
const transport = (query.get('transport') ?? 'auto') as 'auto' | 'websocket' | 'long-poll';

function log(line: string): void {
  const item = document.createElement('li');
  item.textContent = line;
  $('log').append(item);
}

async function fetchToken(): Promise<{ token: string; server: string }> {
  const response = await fetch(`/token?identity=${encodeURIComponent(identity)}`);
  if (!response.ok) throw new Error(`token server: ${response.status}`);
  return (await response.json()) as { token: string; server: string };
}

let current: Call | undefined;

function show(state: string): void {
  $('call-state').textContent = state;
  $('in-call').hidden = state === 'idle';
}

function follow(call: Call): void {
  current = call;
  show(call.status());
  call.on('ringing', () => show('ringing'));
  call.on('accept', () => {
    show('open');
    log(`connected ${call.callSid ?? ''}`);
  });
  call.on('reconnecting', () => show('reconnecting'));
  call.on('reconnected', () => show('open'));
  call.on('mute', (muted) => {
    $('mute').textContent = muted ? 'Unmute' : 'Mute';
  });
  call.on('disconnect', () => {
    log('call ended');
    current = undefined;
    show('idle');
  });
  call.on('error', (error: DeviceError) => log(`call error ${error.code}: ${error.message}`));
}

async function main(): Promise<void> {
  const { token, server } = await fetchToken();
  $('identity').textContent = identity;
  const device = new Device(token, { server, transport, agent: 'patchbay-softphone' });
  device.on('registered', () => {
    $('state').textContent = `registered (${device.transportKind})`;
    log('registered');
  });
  device.on('unregistered', () => {
    $('state').textContent = 'unregistered';
  });
  device.on('error', (error) => log(`error ${error.code}: ${error.message}`));
  device.on('tokenWillExpire', async () => {
    await device.updateToken((await fetchToken()).token);
    log('token refreshed');
  });
  device.on('incoming', (call) => {
    const caller = call.customParameters.get('caller') ?? call.parameters.From ?? 'unknown';
    $('incoming-from').textContent = caller;
    $('incoming').hidden = false;
    log(`incoming from ${caller}`);
    const hide = () => {
      $('incoming').hidden = true;
    };
    call.on('cancel', (reason) => {
      hide();
      log(`canceled: ${reason}`);
    });
    $('accept').onclick = () => {
      hide();
      follow(call);
      call.accept().catch((error: DeviceError) => log(`accept failed ${error.code}: ${error.message}`));
    };
    $('reject').onclick = () => {
      hide();
      void call.reject();
      log('rejected');
    };
  });

  for (const key of document.querySelectorAll<HTMLButtonElement>('[data-digit]')) {
    key.onclick = () => {
      current?.sendDigits(key.dataset.digit as string);
      log(`sent ${key.dataset.digit}`);
    };
  }
  $('hangup').onclick = () => current?.disconnect();
  $('mute').onclick = () => current?.mute(!current.isMuted());
  $<HTMLFormElement>('dial').onsubmit = async (event) => {
    event.preventDefault();
    const to = $<HTMLInputElement>('to').value.trim();
    try {
      follow(await device.connect({ params: { To: to } }));
      log(`calling ${to}`);
    } catch (error) {
      log(`call failed ${(error as DeviceError).code}: ${(error as Error).message}`);
    }
  };
  await device.register();
}

main().catch((error: unknown) => log(`failed: ${error instanceof Error ? error.message : String(error)}`));
