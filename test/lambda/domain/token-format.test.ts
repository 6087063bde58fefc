import { crc32 } from 'node:zlib';
import {
  formatPatToken,
  hashPatToken,
  parsePatToken,
  TOKEN_PATTERN,
  tokenPrefixOf,
} from '../../../lambda/domain/token-format';

/** The contract's test vector ("Token format"). */
const VECTOR = {
  random: Uint8Array.from({ length: 32 }, (_, i) => i),
  locator: {
    workspaceId: 'c0ffee00-0000-4000-8000-000000000001',
    id: '01936d3a-7c00-7000-8000-0000000000a1',
  },
  token: 'pat_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf5sBUBvtyuJidQ2W88PhANF02yMiqRGocLyKg3qie36jx0pjnlY',
  crc32: 0x2d917c10,
  tokenPrefix: 'pat_003aUlTJ',
  sha256: 'a50d39e85f228451f66a59d2b3d736c5d8ae31b2659c450a157a71bdfc5b4ce0',
};

describe('the token format', () => {
  it('reproduces the contract test vector', () => {
    const token = formatPatToken(VECTOR.random, VECTOR.locator);

    expect(token).toBe(VECTOR.token);
    expect(crc32(token.slice(0, -6))).toBe(VECTOR.crc32);
    expect(tokenPrefixOf(token)).toBe(VECTOR.tokenPrefix);
    expect(hashPatToken(token)).toBe(VECTOR.sha256);
  });

  it('is pat_ and 93 base62 characters, the pattern secret scanners use', () => {
    expect(VECTOR.token).toMatch(/^pat_[0-9A-Za-z]{93}$/);
    expect(TOKEN_PATTERN.source).toBe('^pat_[0-9A-Za-z]{93}$');
  });

  it('pads every field to its width, for the smallest and largest values', () => {
    const zero = {
      workspaceId: '00000000-0000-0000-0000-000000000000',
      id: '00000000-0000-0000-0000-000000000000',
    };
    const max = {
      workspaceId: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
      id: 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    };

    const smallest = formatPatToken(new Uint8Array(32), zero);
    const largest = formatPatToken(new Uint8Array(32).fill(255), max);

    expect(smallest.slice(0, 91)).toBe(`pat_${'0'.repeat(87)}`);
    expect(smallest).toMatch(TOKEN_PATTERN);
    expect(largest).toMatch(TOKEN_PATTERN);
    expect(parsePatToken(smallest)).toEqual(zero);
    expect(parsePatToken(largest)).toEqual(max);
  });

  it('gives different prefixes to tokens with different randomness', () => {
    const other = Uint8Array.from(VECTOR.random, (byte) => byte ^ 0xff);

    expect(tokenPrefixOf(formatPatToken(other, VECTOR.locator))).not.toBe(VECTOR.tokenPrefix);
  });

  it('reads the locator back from a token', () => {
    expect(parsePatToken(VECTOR.token)).toEqual(VECTOR.locator);
  });

  it.each([
    ['one character changed', `${VECTOR.token.slice(0, 40)}X${VECTOR.token.slice(41)}`],
    ['a wrong checksum', `${VECTOR.token.slice(0, -6)}000000`],
    ['truncated', VECTOR.token.slice(0, -1)],
    ['one character longer', `${VECTOR.token}0`],
    ['another prefix', `pak_${VECTOR.token.slice(4)}`],
    ['a non-base62 character', `${VECTOR.token.slice(0, 20)}-${VECTOR.token.slice(21)}`],
    ['a legacy token (no locator)', 'pat_0123456789abcdefghijABCDEFGHIJ0123456789'],
    ['empty', ''],
  ])('refuses a token with %s', (_, token) => {
    expect(parsePatToken(token)).toBeUndefined();
  });

  it('refuses a locator that holds more than a UUID, even with a valid checksum', () => {
    const body = `pat_${'0'.repeat(43)}${'z'.repeat(22)}${'0'.repeat(22)}`;
    const checksum = crc32(body);
    let encoded = '';
    for (let rest = BigInt(checksum); rest > 0n; rest /= 62n) {
      encoded =
        '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[Number(rest % 62n)] + encoded;
    }

    expect(parsePatToken(body + encoded.padStart(6, '0'))).toBeUndefined();
  });

  it('needs exactly 32 random bytes and a UUID locator', () => {
    expect(() => formatPatToken(new Uint8Array(31), VECTOR.locator)).toThrow(/32 random bytes/);
    expect(() => formatPatToken(VECTOR.random, { ...VECTOR.locator, id: 'not-a-uuid' })).toThrow(/UUIDs/);
  });
});
