import { DEVICE_ERRORS, DeviceError, type DeviceErrorName } from '@patchbay/sdk/client';
import { expect, it } from 'vitest';
import { describeEnd, describeError, TokenServerError } from './words.js';

it('gives every device error words of its own, with its code, never the SDK message', () => {
  for (const name of Object.keys(DEVICE_ERRORS) as DeviceErrorName[]) {
    const problem = describeError(new DeviceError(name, 'internal detail'));
    expect(problem.code).toBe(DEVICE_ERRORS[name]);
    expect(problem.text).not.toContain('internal detail');
    expect(problem.text).not.toContain(name);
    expect(problem.text).toMatch(/^[A-Z].*\.$/);
  }
});

it('offers signing in again for token problems only', () => {
  expect(describeError(new DeviceError('AccessTokenExpired', 'x'))).toEqual({
    text: 'Your sign-in has expired. Sign in again to make and take calls.',
    code: 20104,
    signIn: true,
  });
  expect(describeError(new DeviceError('ConnectionError', 'x')).signIn).toBe(false);
  expect(describeError(new TokenServerError('Could not sign in.')).signIn).toBe(true);
});

it('says something plain about anything else that was thrown', () => {
  const problem = describeError(new TypeError("Cannot read properties of undefined (reading 'x')"));
  expect(problem).toEqual({ text: 'Something went wrong on this page. Reload it to try again.' });
});

it('names how a call ended from the point of view of its direction', () => {
  expect(describeEnd('INCOMING', 'missed')).toBe('Missed call');
  expect(describeEnd('OUTGOING', 'missed')).toBe('Not connected');
  expect(describeEnd('INCOMING', 'declined')).toBe('Declined');
});
