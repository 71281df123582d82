// A small, pure 64-bit FNV-1a hash: stable keys from event ids without any crypto library (core does no I/O).
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/** Hex FNV-1a (64 bit) of the UTF-8 bytes of `text`. Not for secrets: for short, stable, collision-rare keys. */
export function fnv1a64(text: string): string {
  let hash = OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * PRIME) & MASK;
  }
  return hash.toString(16).padStart(16, '0');
}
