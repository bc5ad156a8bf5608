/** Cryptographically secure random bytes from the platform's CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 65536) {
    throw new RangeError('randomBytes: length must be an integer in 0..65536');
  }
  const out = new Uint8Array(length);
  crypto.getRandomValues(out);
  return out;
}
