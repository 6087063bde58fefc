import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { isUuid } from './uuid';

/**
 * The PAT secret format (contract, "Token format"): `pat_`, 43 base62 characters of randomness, 44
 * of locator (workspace and PAT ids) and a 6-character CRC-32. The locator finds the PAT in one
 * read and the checksum refuses a typo without any; only the SHA-256 of the token is stored.
 */
export const TOKEN_PREFIX = 'pat_';
/** What secret scanners can look for. */
export const TOKEN_PATTERN = /^pat_[0-9A-Za-z]{93}$/;
/** `tokenPrefix` is the first 12 characters: `pat_` and 8 of randomness, different for every PAT. */
export const TOKEN_PREFIX_LENGTH = 12;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_BYTES = 32;
const WIDTH = { random: 43, uuid: 22, checksum: 6 } as const;

export interface PatLocator {
  readonly workspaceId: string;
  readonly id: string;
}

/** Builds the token of a PAT from its 32 random bytes and its locator. */
export function formatPatToken(random: Uint8Array, locator: PatLocator): string {
  if (random.length !== RANDOM_BYTES) throw new Error(`a PAT needs ${RANDOM_BYTES} random bytes`);
  const body =
    TOKEN_PREFIX +
    base62(toBigInt(random), WIDTH.random) +
    base62(uuidToBigInt(locator.workspaceId), WIDTH.uuid) +
    base62(uuidToBigInt(locator.id), WIDTH.uuid);
  return body + base62(BigInt(crc32(body)), WIDTH.checksum);
}

/**
 * Reads the locator of a token in this format, or `undefined` when the text is not one: wrong
 * shape, wrong checksum, or a locator that is not two UUIDs. No I/O: a malformed or mistyped
 * token costs nothing but this.
 */
export function parsePatToken(token: string): PatLocator | undefined {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const checksumAt = token.length - WIDTH.checksum;
  const checksum = fromBase62(token.slice(checksumAt));
  if (checksum !== BigInt(crc32(token.slice(0, checksumAt)))) return undefined;
  const locatorAt = TOKEN_PREFIX.length + WIDTH.random;
  const workspaceId = bigIntToUuid(fromBase62(token.slice(locatorAt, locatorAt + WIDTH.uuid)));
  const id = bigIntToUuid(fromBase62(token.slice(locatorAt + WIDTH.uuid, checksumAt)));
  return workspaceId !== undefined && id !== undefined ? { workspaceId, id } : undefined;
}

/** The stored `tokenHash`: SHA-256 of the whole token, hex. */
export function hashPatToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenPrefixOf(token: string): string {
  return token.slice(0, TOKEN_PREFIX_LENGTH);
}

function base62(value: bigint, width: number): string {
  let text = '';
  let rest = value;
  while (rest > 0n) {
    text = ALPHABET[Number(rest % 62n)] + text;
    rest /= 62n;
  }
  if (text.length > width) throw new Error(`value does not fit in ${width} base62 characters`);
  return text.padStart(width, '0');
}

function fromBase62(text: string): bigint {
  let value = 0n;
  for (const char of text) value = value * 62n + BigInt(ALPHABET.indexOf(char));
  return value;
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

function uuidToBigInt(uuid: string): bigint {
  if (!isUuid(uuid)) throw new Error('a PAT locator holds UUIDs');
  return BigInt(`0x${uuid.replace(/-/g, '')}`);
}

const MAX_UUID = (1n << 128n) - 1n;

function bigIntToUuid(value: bigint): string | undefined {
  // 22 base62 characters can hold more than 128 bits: such a locator was not made here.
  if (value > MAX_UUID) return undefined;
  const hex = value.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
