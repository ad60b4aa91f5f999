/**
 * @module
 * Byte buffers: the one way cao joins parts read one after another into one buffer.
 */

/** `parts` as one buffer: the part itself when there is one, else a new buffer holding them in order. Pure. */
export function concatBytes(parts: readonly Uint8Array<ArrayBuffer>[]): Uint8Array<ArrayBuffer>;
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array;
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let size = 0;
  for (const part of parts) size += part.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
