import { EXPIRY_JOB_ACTOR, LIMIT_ACTOR } from '../../../lambda/domain/audit';
import { type ExpiringPat, expiryStep, noticeMark, removalOf } from '../../../lambda/domain/expiry';

/** The expiry job's decisions, one PAT at a time, at a fixed time. */
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let issued = 0;
const context = {
  at: NOW,
  ids: {
    next: () => {
      issued += 1;
      return `019b76da-a800-7000-8000-${String(issued).padStart(12, '0')}`;
    },
  },
};

function pat(expiresInMs: number, notices: readonly string[] = []): ExpiringPat {
  return {
    workspaceId: 'c0ffee00-0000-4000-8000-000000000001',
    id: '01936d3a-7c00-7000-8000-0000000000a1',
    name: 'CI deploy',
    tokenPrefix: 'pat_AbCd1234',
    expiresAt: new Date(NOW + expiresInMs).toISOString(),
    notices,
  };
}
const step = (p: ExpiringPat, retentionDays = 30) => expiryStep(p, retentionDays, EXPIRY_JOB_ACTOR, context);
const given = (p: ExpiringPat, ...thresholds: Array<'expiring7' | 'expiring1' | 'expired'>) => ({
  ...p,
  notices: thresholds.map((threshold) => noticeMark(threshold, p.expiresAt)),
});

describe('the notice a PAT gets', () => {
  it.each([
    ['8 days ahead', 8 * DAY, 'none'],
    ['7 days ahead', 7 * DAY, 'pat.expiring 7'],
    ['2 days ahead', 2 * DAY, 'pat.expiring 7'],
    ['a day and a minute ahead', DAY + 60_000, 'pat.expiring 7'],
    ['a day ahead', DAY, 'pat.expiring 1'],
    ['an hour ahead', HOUR, 'pat.expiring 1'],
    ['at its expiry', 0, 'pat.expired'],
    ['a day past it', -DAY, 'pat.expired'],
  ])('%s: %s', (_, expiresIn, expected) => {
    const next = step(pat(expiresIn));

    const described =
      next.kind === 'notify'
        ? `${next.record.action}${next.record.daysLeft !== undefined ? ` ${next.record.daysLeft}` : ''}`
        : next.kind;
    expect(described).toBe(expected);
  });

  it('marks the notice with the expiry it announced', () => {
    const p = pat(2 * DAY);

    expect(step(p)).toMatchObject({ kind: 'notify', mark: `expiring7@${p.expiresAt}` });
  });

  it('is written as a record of the job, naming the PAT and never more', () => {
    const next = step(pat(DAY));

    expect(next.kind === 'notify' && next.record).toEqual({
      id: expect.any(String),
      action: 'pat.expiring',
      workspaceId: 'c0ffee00-0000-4000-8000-000000000001',
      patId: '01936d3a-7c00-7000-8000-0000000000a1',
      name: 'CI deploy',
      tokenPrefix: 'pat_AbCd1234',
      actor: { type: 'system', subject: 'expiry-job' },
      occurredAt: '2026-06-01T12:00:00.000Z',
      daysLeft: 1,
    });
  });
});

describe('a notice already given', () => {
  it('is not given again', () => {
    expect(step(given(pat(2 * DAY), 'expiring7')).kind).toBe('none');
    expect(step(given(pat(HOUR), 'expiring1')).kind).toBe('none');
    expect(step(given(pat(-HOUR), 'expired')).kind).toBe('none');
  });

  it('leaves the next threshold to be announced when it comes', () => {
    expect(step(given(pat(HOUR), 'expiring7'))).toMatchObject({ kind: 'notify', record: { daysLeft: 1 } });
    expect(step(given(pat(-HOUR), 'expiring7', 'expiring1'))).toMatchObject({
      kind: 'notify',
      record: { action: 'pat.expired' },
    });
  });

  it('never brings back the 7-day notice once the 1-day one was given', () => {
    expect(step(given(pat(3 * DAY), 'expiring1')).kind).toBe('none');
  });

  it('counts for nothing once the expiry changed: the new expiry is announced afresh', () => {
    const extended = {
      ...pat(5 * DAY),
      notices: [noticeMark('expiring1', new Date(NOW + HOUR).toISOString())],
    };

    expect(step(extended)).toMatchObject({ kind: 'notify', record: { daysLeft: 7 } });
  });
});

describe('the removal of an expired PAT', () => {
  it('comes once its retention is over, announcing the expiry first if that never happened', () => {
    const next = step(pat(-30 * DAY), 30);

    expect(next.kind).toBe('remove');
    if (next.kind !== 'remove') return;
    expect(next.records.map((record) => record.action)).toEqual(['pat.expired', 'pat.removed']);
    expect(next.unannounced).toBe(noticeMark('expired', pat(-30 * DAY).expiresAt));
    const [expired, removed] = next.records.map((record) => record.id);
    expect((expired ?? '') < (removed ?? '')).toBe(true);
  });

  it('writes only pat.removed when the expiry was announced', () => {
    const next = step(given(pat(-31 * DAY), 'expired'), 30);

    expect(next.kind === 'remove' && next.records.map((record) => record.action)).toEqual(['pat.removed']);
    expect(next.kind === 'remove' && next.unannounced).toBeUndefined();
  });

  it('comes at once with no retention', () => {
    expect(step(pat(0), 0).kind).toBe('remove');
    expect(step(pat(HOUR), 0).kind).toBe('notify');
  });

  it('is made by the limit, as its actor, whatever the retention', () => {
    const removal = removalOf(pat(-HOUR), LIMIT_ACTOR, context);

    expect(removal.records.map((record) => [record.action, record.actor])).toEqual([
      ['pat.expired', { type: 'system', subject: 'limit' }],
      ['pat.removed', { type: 'system', subject: 'limit' }],
    ]);
  });
});

it('leaves a PAT with an unreadable expiry alone', () => {
  expect(step({ ...pat(0), expiresAt: 'soon' }).kind).toBe('none');
});
