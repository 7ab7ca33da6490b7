/**
 * W3C Bitstring Status List (v1.0): one bit per issued credential, 1 = revoked.
 *
 * - A list holds STATUS_LIST_SIZE entries (131,072 bits, 16 KB: the specification's minimum,
 *   so one credential's check does not single it out to the list's host).
 * - Entry `n` of the network (a counter, allocated once per credential) is index
 *   `n % size` of list `floor(n / size) + 1`.
 * - Encoded as the specification says: the bitstring GZIP-compressed, then base64url
 *   without padding, with the multibase prefix `u`. Bit 0 is the most significant bit of
 *   the first byte.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

export const STATUS_LIST_SIZE = 131_072;

export interface StatusSlot {
  /** The list's id, `1`, `2`, ... */
  list: string;
  index: number;
}

/** Where the `sequence`-th credential (0-based) keeps its bit. */
export function statusSlot(sequence: number, size = STATUS_LIST_SIZE): StatusSlot {
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new RangeError(`not a status sequence number: ${sequence}`);
  return { list: String(Math.floor(sequence / size) + 1), index: sequence % size };
}

/** The bitstring with the given indexes set. */
export function bitstringOf(setIndexes: Iterable<number>, size = STATUS_LIST_SIZE): Uint8Array {
  if (size % 8 !== 0) throw new RangeError('a status list holds a whole number of bytes');
  const bits = new Uint8Array(size / 8);
  for (const index of setIndexes) {
    if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`status index out of range: ${index}`);
    bits[index >> 3]! |= 0x80 >> (index & 7);
  }
  return bits;
}

export function bitAt(bits: Uint8Array, index: number): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) throw new RangeError(`status index out of range: ${index}`);
  return (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0;
}

/** `encodedList` of a BitstringStatusList. */
export function encodeStatusList(setIndexes: Iterable<number>, size = STATUS_LIST_SIZE): string {
  return `u${Buffer.from(gzipSync(bitstringOf(setIndexes, size))).toString('base64url')}`;
}

/** The bitstring of an `encodedList` (multibase base64url `u…`, GZIP). */
export function decodeStatusList(encoded: string): Uint8Array {
  if (!encoded.startsWith('u')) throw new RangeError('encodedList must be multibase base64url (prefix "u")');
  return new Uint8Array(gunzipSync(Buffer.from(encoded.slice(1), 'base64url')));
}
