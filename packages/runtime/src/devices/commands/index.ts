/**
 * Commands for devices (docs/commands.md) on a runtime: the command service (durable records,
 * delivery, resends, exactly one result), the account's REST resources, the device endpoints,
 * and the device channel's side (`commands-attach`, `command-result`). A credential or
 * authenticator that does not verify is refused (91230) and logged as the bridge's refusals are.
 *
 * @example
 * const commands = commandsFeature({ runtime, store, options: { vapidSubject } });
 * await commands.start(); // timers rebuilt from the store
 * const answer = commands.route(req, url) ?? otherRoutes(req);
 */
import { DeviceError } from '@patchbay/sdk/protocol';
import { type AccountRecord, callAccount } from '../../api/auth.js';
import { RestError } from '../../api/http.js';
import type { Bus, NodeDown } from '../../cluster/bus.js';
import type { Runtime } from '../../runtime.js';
import type { Store } from '../../store/types.js';
import type { DevicesOptions } from '../index.js';
import { webPushNotifier } from '../notifiers/web-push.js';
import type { DeviceRecord } from '../records.js';
import { deviceSettings } from '../settings.js';
import { ClusterCommandBound } from './cluster-bound.js';
import type { Policy } from './decide.js';
import { commandWaker } from './delivery.js';
import { commandDeviceRoutes, verifiedDevice } from './device-rest.js';
import { commandMessage } from './json.js';
import type { CommandRecord } from './records.js';
import { commandsResource } from './rest.js';
import { CommandService } from './service.js';

export function commandsFeature(parts: {
  readonly runtime: Runtime;
  readonly store: Store;
  readonly options?: DevicesOptions | undefined;
  /** Resend timing (tests, benchmarks). @default DEFAULT_POLICY */
  readonly policy?: Policy | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
  /** Told of each command once its outcome is recorded. */
  readonly onSettled?: ((record: CommandRecord) => void) | undefined;
  /** On a cluster, its bus: the per-account bound of open commands holds across the nodes. */
  readonly bus?: Bus | undefined;
}) {
  const { runtime, store } = parts;
  const options = parts.options ?? {};
  const now = () => runtime.clock.now();
  const bridge = runtime.devices;
  const refused = (event: { device: string; via: 'channel' | 'https' }) => {
    const error = new DeviceError(
      'CommandAuthenticationFailed',
      `authentication failure: device ${event.device} over ${event.via}`,
    );
    if (bridge) bridge.events.emit('refused', { error });
    else parts.onError?.(error);
  };
  const sms = async (device: DeviceRecord, text: string) => {
    if (device.binding.type !== 'phone') throw new Error('the device has no number');
    const settings = await deviceSettings(store, device.accountSid, now());
    const account = await store.find<AccountRecord>('account', device.accountSid);
    if (!settings.registrationNumber || account?.status !== 'active')
      throw new Error('no registration number to text from');
    runtime.messages.send({
      account: callAccount(account),
      from: settings.registrationNumber,
      to: device.binding.number,
      body: text,
    });
  };
  const push = webPushNotifier({
    store,
    now,
    clock: runtime.clock,
    egress: options.egress,
    subject: options.vapidSubject,
  });
  const clusterBound = parts.bus && new ClusterCommandBound(parts.bus);
  const service = new CommandService({
    store,
    clock: runtime.clock,
    channel: bridge?.commands,
    wake: commandWaker({ push, sms, onError: parts.onError }),
    callbacks: runtime.callbacks,
    policy: parts.policy,
    onError: parts.onError,
    onSettled: parts.onSettled,
    clusterBound,
    node: parts.bus?.nodeId,
  });
  // A dead node's open commands, when the bus names this node to take it over.
  const takeOver = ({ node, claimed }: NodeDown) => {
    if (claimed) service.takeOver(node).catch((error: unknown) => parts.onError?.(error));
  };
  parts.bus?.on('node-down', takeOver);
  const detach = bridge?.commands.attachHandler({
    async attach(accountSid, deviceSid, secret, after) {
      const device = await verifiedDevice(store, deviceSid, secret);
      if (!device || device.accountSid !== accountSid) {
        refused({ device: deviceSid, via: 'channel' });
        throw new DeviceError(
          'CommandAuthenticationFailed',
          'authentication failure: the device credential does not verify',
        );
      }
      return (await service.after(device, after, 'channel')).filter((record) => record.open).map(commandMessage);
    },
    async result(accountSid, deviceSid, command, outcome) {
      const settled = outcome.ok
        ? ({ status: 'completed', result: outcome.result ?? {} } as const)
        : ({ status: 'failed', result: outcome.result ?? {}, error: outcome.error || 'failed' } as const);
      await service.settle(accountSid, command, settled, deviceSid).catch((error: unknown) => {
        if (error instanceof RestError && error.status === 404)
          throw new DeviceError('NotFound', `no command ${command} for ${deviceSid}`);
        throw error;
      });
    },
  });
  return {
    service,
    start: async () => {
      await clusterBound?.start();
      await service.start();
    },
    /** The device endpoints: an answer, or undefined for a path that is not one. */
    route: commandDeviceRoutes(service, store, refused),
    /** The account's resources (Devices/{Sid}/Commands). */
    resource: commandsResource(service),
    close() {
      parts.bus?.off('node-down', takeOver);
      detach?.();
      clusterBound?.close();
      service.close();
    },
  };
}

export type CommandsFeature = ReturnType<typeof commandsFeature>;
export { commandForms } from './delivery.js';
export type { CommandRecord, CommandStatus } from './records.js';
