import { formatPatToken, type PatLocator } from '../../lambda/domain/token-format';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM = { from: 4, to: 47 } as const;

/**
 * The same secret under another locator, with a valid checksum: what someone holding one PAT
 * could build to try it in another workspace or as another PAT.
 */
export function relocated(token: string, locator: PatLocator): string {
  let value = 0n;
  for (const character of token.slice(RANDOM.from, RANDOM.to)) {
    value = value * 62n + BigInt(ALPHABET.indexOf(character));
  }
  const bytes = new Uint8Array(32);
  for (let i = bytes.length - 1; i >= 0; i -= 1) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return formatPatToken(bytes, locator);
}

/** `token` with the character at `index` replaced by another of the alphabet: a typo. */
export function withTypo(token: string, index: number, shift = 1): string {
  const character = token.charAt(index);
  const replacement = ALPHABET.charAt((ALPHABET.indexOf(character) + shift) % ALPHABET.length);
  return token.slice(0, index) + replacement + token.slice(index + 1);
}
