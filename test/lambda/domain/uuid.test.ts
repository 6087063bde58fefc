import { normaliseUuid } from '../../../lambda/domain/uuid';

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
