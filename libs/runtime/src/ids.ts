import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/**
 * Random bytes drawn from the CSPRNG in blocks (as Node's own randomUUID does): one
 * randomBytes call per id cost more than the rest of the id (a kanban move creates one per event).
 */
const entropy = Buffer.alloc(16 * 256);
let used = entropy.length;

function randomInto(target: Buffer, length: number): void {
  if (used + length > entropy.length) {
    randomFillSync(entropy);
    used = 0;
  }
  entropy.copy(target, 0, used, used + length);
  used += length;
}

/**
 * UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits.
 * Ids created in one process are strictly increasing: within one millisecond
 * a 12-bit counter (rand_a) is incremented instead of drawing fresh bits.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  if (nowMs > lastMs) {
    lastMs = nowMs;
    const draw = Buffer.allocUnsafe(2);
    randomInto(draw, 2);
    seq = draw.readUInt16BE(0) & 0x07ff; // leave head-room for the counter
  } else {
    seq += 1;
    if (seq > 0x0fff) {
      lastMs += 1;
      seq = 0;
    }
  }
  const bytes = Buffer.allocUnsafe(16);
  randomInto(bytes, 16);
  const ms = lastMs;
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | ((seq >>> 8) & 0x0f);
  bytes[7] = seq & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}
