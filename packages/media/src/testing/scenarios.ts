/**
 * Our own sipp scenarios (XML beside this file): a digest registrar for one phone, a called
 * party that demands digest on INVITE, and one that answers every offer (re-INVITEs too) and,
 * run with -rtp_echo, returns the caller's audio.
 *
 * @example
 * const registrar = await startSipp({ scenario: scenarioPath('registrar'), local: '127.0.0.4',
 *   extra: ['-set', 'user', 'alice', '-set', 'password', 's3cret'] });
 */
import { fileURLToPath } from 'node:url';

export type ScenarioName = 'registrar' | 'uas-auth' | 'uas-echo';

export function scenarioPath(name: ScenarioName): string {
  return fileURLToPath(new URL(`./scenarios/${name}.xml`, import.meta.url));
}
