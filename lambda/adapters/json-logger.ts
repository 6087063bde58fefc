export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

const RANK: Readonly<Record<LogLevel, number>> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 };

export interface Logger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
  /** Keys added to every line until replaced (the invocation's Lambda context). */
  setContext(fields: Readonly<Record<string, unknown>>): void;
}

export interface JsonLoggerProps {
  readonly serviceName: string;
  /** @default 'INFO' */
  readonly level?: LogLevel;
  /** @default a write of the line to stdout */
  readonly write?: (line: string) => void;
}

/**
 * One JSON object per line with Powertools Logger's keys (`level`, `message`, `cold_start`, …), so
 * Logs Insights queries written for Powertools work; Powertools itself costs too much cold start
 * (docs/performance.md). Lines go straight to stdout, so Lambda's JSON log format keeps them.
 */
export class JsonLogger implements Logger {
  private readonly service: string;
  private readonly threshold: number;
  private readonly write: (line: string) => void;
  private context: Readonly<Record<string, unknown>> = {};

  constructor(props: JsonLoggerProps) {
    this.service = props.serviceName;
    this.threshold = RANK[props.level ?? 'INFO'];
    this.write = props.write ?? ((line) => process.stdout.write(`${line}\n`));
  }

  setContext(fields: Readonly<Record<string, unknown>>): void {
    this.context = fields;
  }

  info(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('INFO', message, fields);
  }

  warn(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('WARN', message, fields);
  }

  error(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('ERROR', message, fields);
  }

  private log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void {
    if (RANK[level] < this.threshold) return;
    const record = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.service,
      ...this.context,
      ...fields,
    };
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      // A field that cannot be serialized must not cost the request its log line.
      line = JSON.stringify({
        level,
        message,
        timestamp: record.timestamp,
        service: this.service,
        ...this.context,
      });
    }
    this.write(line);
  }
}
