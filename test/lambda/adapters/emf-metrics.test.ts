import { EmfMetrics } from '../../../lambda/adapters/emf-metrics';
import { LogCapture } from '../../support/logs';

function metrics() {
  const lines: string[] = [];
  const emf = new EmfMetrics({
    namespace: 'Ns',
    defaultDimensions: { Service: 's' },
    definitions: {
      Count: { unit: 'Count', dimensions: ['Service', 'Outcome'] },
      Time: { unit: 'Milliseconds', dimensions: ['Service'] },
    },
    write: (line) => lines.push(line),
    now: () => 1234,
  });
  return { emf, documents: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('EmfMetrics', () => {
  it('writes one document per flush with a directive per metric', () => {
    const { emf, documents } = metrics();
    emf.dimension('Outcome', '200');
    emf.add('Count', 1);
    emf.add('Time', 3);
    emf.add('Time', 5);
    emf.flush();

    expect(documents()).toEqual([
      {
        _aws: {
          Timestamp: 1234,
          CloudWatchMetrics: [
            {
              Namespace: 'Ns',
              Dimensions: [['Service', 'Outcome']],
              Metrics: [{ Name: 'Count', Unit: 'Count' }],
            },
            { Namespace: 'Ns', Dimensions: [['Service']], Metrics: [{ Name: 'Time', Unit: 'Milliseconds' }] },
          ],
        },
        Service: 's',
        Outcome: '200',
        Count: 1,
        Time: [3, 5],
      },
    ]);
  });

  it('writes nothing when nothing was recorded, and starts afresh after a flush', () => {
    const { emf, documents } = metrics();
    emf.flush();
    emf.add('Time', 1);
    emf.flush();
    emf.flush();

    expect(documents()).toHaveLength(1);
  });

  it('skips a metric whose dimension has no value rather than publish it wrongly', () => {
    const { emf, documents } = metrics();
    emf.add('Count', 1);
    emf.flush();
    emf.add('Count', 1);
    emf.add('Time', 2);
    emf.flush();

    expect(documents()).toHaveLength(1);
    expect(documents()[0]).not.toHaveProperty('Count');
  });

  it('forgets per-invocation dimensions after a flush', () => {
    const { emf, documents } = metrics();
    emf.dimension('Outcome', '404');
    emf.add('Time', 1);
    emf.flush();
    emf.add('Time', 1);
    emf.flush();

    expect(documents()[1]).not.toHaveProperty('Outcome');
  });

  it('writes each document to stdout as one line by default, where Lambda hands it to CloudWatch', () => {
    const stdout = new LogCapture().start();
    try {
      const emf = new EmfMetrics({
        namespace: 'Ns',
        defaultDimensions: { Service: 's' },
        definitions: { Count: { unit: 'Count', dimensions: ['Service'] } },
      });
      emf.add('Count', 1);
      emf.flush();
    } finally {
      stdout.stop();
    }

    expect(stdout.records()).toEqual([expect.objectContaining({ Service: 's', Count: 1 })]);
  });

  it('refuses a metric it does not define', () => {
    expect(() => metrics().emf.add('Other', 1)).toThrow(/unknown metric Other/);
  });
});
