import { expect, it } from 'vitest';
import { callLine } from './tail.js';

const call = {
  timestamp: '2026-01-01T12:00:03.511Z',
  sid: 'CA1f000000000000000000000000000000',
  direction: 'inbound',
  from: '+15550199000',
  to: '+15550100100',
};

it("names a problem's URL once: after the message, unless the message names it already", () => {
  const failed = callLine({
    id: '1',
    type: 'call.error',
    data: {
      ...call,
      error: {
        code: 11205,
        message: 'the connection failed (ECONNREFUSED): http://127.0.0.1:4000/voice',
        url: 'http://127.0.0.1:4000/voice',
      },
    },
  });
  expect(failed).toBe(
    '2026-01-01T12:00:03.511Z  CA1f000000000000000000000000000000  inbound  +15550199000 -> +15550100100  error 11205: the connection failed (ECONNREFUSED): http://127.0.0.1:4000/voice',
  );
  const warned = callLine({
    id: '2',
    type: 'call.warning',
    data: {
      ...call,
      warning: { code: 12200, message: 'unknown element <Sya> is kept as is', url: 'http://127.0.0.1:4000/voice' },
    },
  });
  expect(warned).toMatch(
    / {2}warning 12200: unknown element <Sya> is kept as is \(http:\/\/127\.0\.0\.1:4000\/voice\)$/,
  );
});
