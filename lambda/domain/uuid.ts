const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads a UUID as the contract defines it: white space around it is trimmed, then exactly
 * 8-4-4-4-12 hex digits in any letter case. Returns the lower-case form, or `undefined` when the
 * value is malformed (braces, `urn:uuid:`, anything else around it).
 */
export function normaliseUuid(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return UUID.test(trimmed) ? trimmed.toLowerCase() : undefined;
}

/** True for a canonical UUID with nothing around it (used where no trimming is allowed). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * UUIDv7 (RFC 9562, 5.7): 48 bits of Unix milliseconds, then randomness, so ids sort by creation
 * time and the list can be newest first by id alone. Within one millisecond the 12-bit `rand_a`
 * field counts up from a random start (RFC 9562, 6.2, method 1), so ids made by one process keep
 * their order even then.
 */
export class UuidV7Generator {
  private lastMs = -1;
  private counter = 0;

  constructor(
    private readonly now: () => number,
    private readonly random: (size: number) => Uint8Array,
  ) {}

  next(): string {
    const bytes = this.random(16);
    let ms = this.now();
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.counter += 1;
      // 4096 ids in one millisecond: borrow the next millisecond rather than lose the order.
      if (this.counter > 0xfff) {
        ms += 1;
        this.counter = 0;
      }
    } else {
      this.counter = (((bytes[6] ?? 0) & 0x07) << 8) | (bytes[7] ?? 0);
    }
    this.lastMs = ms;
    for (let i = 5; i >= 0; i -= 1) {
      bytes[i] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    bytes[6] = 0x70 | (this.counter >> 8);
    bytes[7] = this.counter & 0xff;
    bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
    const hex = Buffer.from(bytes).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
