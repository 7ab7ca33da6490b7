/**
 * ECDSA signatures in the two shapes that meet here: KMS's Sign answers an ASN.1 DER
 * `SEQUENCE { INTEGER r, INTEGER s }`, while JWS (RFC 7518 §3.4) wants the fixed-size
 * concatenation r || s, each left-padded to the curve's size (32 bytes for P-256).
 */

/** Reads one DER length at `at`; returns the length and where its content starts. */
function derLength(der: Uint8Array, at: number): { length: number; start: number } {
  const first = der[at];
  if (first === undefined) throw new RangeError('DER signature is truncated');
  if (first < 0x80) return { length: first, start: at + 1 };
  const octets = first & 0x7f;
  if (octets === 0 || octets > 2) throw new RangeError('DER signature has an unsupported length');
  let length = 0;
  for (let i = 1; i <= octets; i++) {
    const b = der[at + i];
    if (b === undefined) throw new RangeError('DER signature is truncated');
    length = (length << 8) | b;
  }
  return { length, start: at + 1 + octets };
}

function derInteger(der: Uint8Array, at: number, size: number): { value: Uint8Array; next: number } {
  if (der[at] !== 0x02) throw new RangeError('DER signature: expected an INTEGER');
  const { length, start } = derLength(der, at + 1);
  if (length === 0 || start + length > der.length) throw new RangeError('DER signature: bad INTEGER length');
  let bytes = der.subarray(start, start + length);
  // A positive INTEGER with its high bit set carries a leading zero octet; strip any.
  while (bytes.length > 0 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length > size) throw new RangeError(`DER signature: INTEGER longer than ${size} bytes`);
  const value = new Uint8Array(size);
  value.set(bytes, size - bytes.length);
  return { value, next: start + length };
}

/** DER-encoded ECDSA signature → JOSE r||s (`size` bytes each: 32 for ES256). */
export function derToJose(der: Uint8Array, size = 32): Uint8Array {
  if (der[0] !== 0x30) throw new RangeError('DER signature: expected a SEQUENCE');
  const seq = derLength(der, 1);
  if (seq.start + seq.length !== der.length) throw new RangeError('DER signature: SEQUENCE length does not match');
  const r = derInteger(der, seq.start, size);
  const s = derInteger(der, r.next, size);
  if (s.next !== der.length) throw new RangeError('DER signature: trailing bytes');
  const out = new Uint8Array(size * 2);
  out.set(r.value, 0);
  out.set(s.value, size);
  return out;
}

/** JOSE r||s → DER (the local KMS server answers Sign in KMS's shape with it). */
export function joseToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new RangeError('JOSE signature must be r||s of equal halves');
  const half = raw.length / 2;
  const integer = (bytes: Uint8Array): number[] => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const body = [...bytes.subarray(i)];
    if (body[0]! & 0x80) body.unshift(0);
    return [0x02, body.length, ...body];
  };
  const content = [...integer(raw.subarray(0, half)), ...integer(raw.subarray(half))];
  const length = content.length < 0x80 ? [content.length] : [0x81, content.length];
  return Uint8Array.from([0x30, ...length, ...content]);
}
