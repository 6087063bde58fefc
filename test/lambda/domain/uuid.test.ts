import { normaliseUuid, UuidV7Generator } from '../../../lambda/domain/uuid';

describe('normaliseUuid', () => {
  const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';

  it.each([
    [uuid, uuid],
    [uuid.toUpperCase(), uuid],
    [` \t${uuid}\n `, uuid],
  ])('reads %j as %s', (raw, expected) => {
    expect(normaliseUuid(raw)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    `{${uuid}}`,
    `urn:uuid:${uuid}`,
    `${uuid}0`,
    uuid.slice(1),
    uuid.replace(/-/g, ''),
    uuid.replace('-', '_'),
    `${uuid} ${uuid}`,
    uuid.replace('0', 'g'),
    // Full-width digits are not hex digits.
    uuid.replace('0', '\uff10'),
  ])('refuses %j', (raw) => {
    expect(normaliseUuid(raw)).toBeUndefined();
  });
});

describe('UuidV7Generator', () => {
  const fixedRandom = (byte: number) => () => new Uint8Array(16).fill(byte);

  it('writes the milliseconds in the first 48 bits, version 7 and the RFC 9562 variant', () => {
    const id = new UuidV7Generator(() => 0x01936d3a7c00, fixedRandom(0)).next();

    expect(id).toMatch(/^01936d3a-7c00-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps the random bits next to the version and the variant (rand_b)', () => {
    const id = new UuidV7Generator(() => 0x01936d3a7c00, fixedRandom(0xff)).next();

    // Byte 8: the variant's two bits, then six random bits, all set here.
    expect(id.slice(19, 23)).toBe('bfff');
    expect(id.slice(24)).toBe('ffffffffffff');
  });

  it('stamps an id made at the Unix epoch with millisecond 0', () => {
    const id = new UuidV7Generator(() => 0, fixedRandom(0)).next();

    expect(id.slice(0, 13)).toBe('00000000-0000');
  });

  it('sorts ids of later milliseconds after earlier ones', () => {
    let now = 1_700_000_000_000;
    const ids = new UuidV7Generator(() => now, fixedRandom(0xff));
    const first = ids.next();
    now += 1;
    const second = ids.next();

    expect(second > first).toBe(true);
  });

  it('keeps the order within one millisecond by counting up', () => {
    const ids = new UuidV7Generator(() => 1_700_000_000_000, fixedRandom(0xff));
    const made = Array.from({ length: 5000 }, () => ids.next());

    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('stamps up to 4096 ids of one millisecond with that millisecond, and only then borrows the next', () => {
    const now = 0x01936d3a7c00;
    const ids = new UuidV7Generator(() => now, fixedRandom(0));
    const made = Array.from({ length: 4097 }, () => ids.next());
    const millisecondOf = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);

    expect(made.slice(0, 4096).every((id) => millisecondOf(id) === now)).toBe(true);
    expect(millisecondOf(made[4096] as string)).toBe(now + 1);
  });

  it('starts the count of each millisecond from random bits (RFC 9562, 6.2, method 1)', () => {
    let now = 1_700_000_000_000;
    const ids = new UuidV7Generator(() => now, fixedRandom(0xff));
    ids.next();
    now += 1;

    // rand_a (the 12 bits after the version digit) from the random bytes: 0x7ff, the top bit clear.
    expect(ids.next().slice(15, 18)).toBe('7ff');
  });

  it('never goes back in time when the clock does', () => {
    let now = 1_700_000_000_000;
    const ids = new UuidV7Generator(() => now, fixedRandom(0));
    const before = ids.next();
    now -= 10_000;

    expect(ids.next() > before).toBe(true);
  });
});
