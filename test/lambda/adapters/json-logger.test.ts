import { JsonLogger } from '../../../lambda/adapters/json-logger';
import { LogCapture } from '../../support/logs';

describe('JsonLogger', () => {
  const capture = (level?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT') => {
    const lines: string[] = [];
    const logger = new JsonLogger({
      serviceName: 'pats-api',
      ...(level ? { level } : {}),
      write: (line) => lines.push(line),
    });
    return { logger, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  };

  it('writes one JSON object per line with level, message, timestamp, service, context and fields', () => {
    const { logger, records } = capture();
    logger.setContext({ function_request_id: 'r-1', cold_start: true });

    logger.info('request', { status: 200 });

    expect(records()).toEqual([
      {
        level: 'INFO',
        message: 'request',
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        service: 'pats-api',
        function_request_id: 'r-1',
        cold_start: true,
        status: 200,
      },
    ]);
  });

  it('writes each record to stdout as one line by default', () => {
    const stdout = new LogCapture().start();
    try {
      new JsonLogger({ serviceName: 'pats-api' }).warn('to stdout');
    } finally {
      stdout.stop();
    }

    expect(stdout.records()).toEqual([expect.objectContaining({ level: 'WARN', message: 'to stdout' })]);
  });

  it('drops lines below its level', () => {
    const { logger, records } = capture('WARN');

    logger.info('quiet');
    logger.warn('loud');
    logger.error('louder');

    expect(records().map((record) => record.level)).toEqual(['WARN', 'ERROR']);
  });

  it('still logs the message when a field cannot be serialized', () => {
    const { logger, records } = capture();
    const circular: Record<string, unknown> = {};
    circular.self = circular;

    logger.error('request failed', { circular });

    expect(records()).toEqual([expect.objectContaining({ level: 'ERROR', message: 'request failed' })]);
  });
});
