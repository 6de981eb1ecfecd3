/**
 * People to try the console with on the simulated network: each phone behaves its own way when
 * a room rings it (presses 1 to join, declines, is busy, never answers). `start` adds them, and
 * the tests and screenshots call them.
 *
 * @example
 * addDemoPhones(patchbay.network);
 */
import type { SimulatedNetwork } from '@patchbay/runtime';

type Behaviour = Parameters<SimulatedNetwork['addNumber']>[1];

export interface DemoPhone {
  readonly firstName: string;
  readonly lastName: string;
  readonly phoneNumber: string;
  /** What it does, in words (the console's README lists them). */
  readonly does: string;
  readonly behaviour: Behaviour;
}

export const DEMO_PHONES: readonly DemoPhone[] = [
  {
    firstName: 'Ann',
    lastName: 'Lee',
    phoneNumber: '+15550100101',
    does: 'presses 1',
    behaviour: { inputs: [{ digits: '1' }] },
  },
  {
    firstName: 'Bob',
    lastName: 'Stone',
    phoneNumber: '+15550100102',
    does: 'presses 1',
    behaviour: { inputs: [{ digits: '1' }] },
  },
  {
    firstName: 'Cleo',
    lastName: 'Park',
    phoneNumber: '+15550100103',
    does: 'declines (presses 2)',
    behaviour: { inputs: [{ digits: '2' }] },
  },
  {
    firstName: 'Dan',
    lastName: 'Ruiz',
    phoneNumber: '+15550100104',
    does: 'never answers',
    behaviour: { onCall: 'no-answer' },
  },
  { firstName: 'Eve', lastName: 'Moss', phoneNumber: '+15550100105', does: 'is busy', behaviour: { onCall: 'busy' } },
];

export function addDemoPhones(network: SimulatedNetwork | undefined): void {
  for (const phone of DEMO_PHONES) network?.addNumber(phone.phoneNumber, phone.behaviour);
}
