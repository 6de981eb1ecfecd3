import { expect, it } from 'vitest';
import { ordinal } from './schedules.js';
import { formatDuration } from './words.js';

it('says the day of the month as people do', () => {
  expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map(ordinal)).toEqual([
    '1st',
    '2nd',
    '3rd',
    '4th',
    '11th',
    '12th',
    '13th',
    '21st',
    '22nd',
    '23rd',
    '31st',
  ]);
});

it('shows a call length as m:ss, then h:mm:ss', () => {
  expect([0, 5_400, 65_000, 600_000, 3_725_000].map(formatDuration)).toEqual([
    '0:00',
    '0:05',
    '1:05',
    '10:00',
    '1:02:05',
  ]);
});
