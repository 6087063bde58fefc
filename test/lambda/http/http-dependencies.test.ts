import { httpDependencies } from '../../../lambda/http/http-dependencies';
import { LogCapture } from '../../support/logs';

/** The defaults every function logs and counts with, as CloudWatch receives them on stdout. */
describe('httpDependencies', () => {
  let stdout: LogCapture;
  beforeEach(() => {
    stdout = new LogCapture().start();
  });
  afterEach(() => {
    stdout.stop();
  });

  it('logs JSON lines as the pats-api service, from the configured level up', () => {
    const { logger } = httpDependencies({ log: { level: 'WARN' } });

    logger.info('below the level');
    logger.warn('at the level');

    expect(stdout.records()).toEqual([
      expect.objectContaining({ level: 'WARN', message: 'at the level', service: 'pats-api' }),
    ]);
  });

  it('publishes metrics in the PatsApi namespace with the service as a dimension', () => {
    const { metrics } = httpDependencies({ log: { level: 'INFO' } });

    metrics.add('LastUsedWriteFailed', 1);
    metrics.flush();

    expect(stdout.records()).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: 'PatsApi',
              Dimensions: [['Service']],
              Metrics: [{ Name: 'LastUsedWriteFailed', Unit: 'Count' }],
            },
          ],
        },
        Service: 'pats-api',
        LastUsedWriteFailed: 1,
      },
    ]);
  });

  it('reads the time from the system clock', () => {
    const before = Date.now();
    const now = httpDependencies({ log: { level: 'INFO' } }).clock.now();

    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
