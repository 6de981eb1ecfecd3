import { describe, expect, it } from 'vitest';
import { callPlaceParams, locate, messagePlaceParams } from './geo.js';

describe('locate', () => {
  it('gives city (upper case) and state (abbreviated) where the data has them, in the NANP', () => {
    expect(locate('+14155551234')).toEqual({ city: 'SAN FRANCISCO', state: 'CA', zip: '', country: 'US' });
    expect(locate('+12125550100')).toEqual({ city: 'NEW YORK', state: 'NY', zip: '', country: 'US' });
    // An area code the data only knows the state or province of.
    expect(locate('+16175551212')).toMatchObject({ city: '', state: 'MA', country: 'US' });
    expect(locate('+14165551234')).toMatchObject({ country: 'CA', state: 'ON' });
  });

  it('always gives the country of a number, even where nothing else is known', () => {
    expect(locate('+18005551234')).toEqual({ city: '', state: '', zip: '', country: 'US' });
    // Fictional 555 numbers are valid in no country: the calling code's main one.
    expect(locate('+15550100100')).toEqual({ city: '', state: '', zip: '', country: 'US' });
    expect(locate('+447700900123')).toMatchObject({ country: 'GB' });
    expect(locate('+33142685300')).toMatchObject({ country: 'FR', city: '' });
  });

  it('outside the NANP, fills the city from the description', () => {
    expect(locate('+442071234567')).toEqual({ city: 'LONDON', state: '', zip: '', country: 'GB' });
    expect(locate('+81112345678')).toMatchObject({ city: 'SAPPORO', state: 'Hokkaido', country: 'JP' });
  });

  it('gives empty strings for what is not a number', () => {
    for (const address of ['client:alice', 'sip:bob@example.com', 'anonymous', '', '+', '+999123'])
      expect(locate(address)).toEqual({ city: '', state: '', zip: '', country: '' });
  });
});

describe('webhook parameters', () => {
  it('has From*, To*, Caller* and Called* for calls, From* and To* for messages', () => {
    const call = callPlaceParams('+14155551234', 'client:alice');
    expect(call).toEqual({
      FromCity: 'SAN FRANCISCO',
      FromState: 'CA',
      FromZip: '',
      FromCountry: 'US',
      CallerCity: 'SAN FRANCISCO',
      CallerState: 'CA',
      CallerZip: '',
      CallerCountry: 'US',
      ToCity: '',
      ToState: '',
      ToZip: '',
      ToCountry: '',
      CalledCity: '',
      CalledState: '',
      CalledZip: '',
      CalledCountry: '',
    });
    expect(Object.keys(messagePlaceParams('+14155551234', '+12125550100')).sort()).toEqual([
      'FromCity',
      'FromCountry',
      'FromState',
      'FromZip',
      'ToCity',
      'ToCountry',
      'ToState',
      'ToZip',
    ]);
  });
});
