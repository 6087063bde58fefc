/**
 * Records everything written to stdout and stderr (where the JSON logger and the EMF metrics
 * write), letting it through when `SHOW_LOGS` is set. Tests read the lines to check the audit line
 * and to prove no secret was ever logged.
 */
export class LogCapture {
  readonly lines: string[] = [];
  private restore: (() => void) | undefined;

  start(): this {
    const originals = [process.stdout.write, process.stderr.write] as const;
    const show = process.env.SHOW_LOGS === '1';
    const capture = (original: typeof process.stdout.write, stream: NodeJS.WriteStream) =>
      ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        this.lines.push(
          ...String(chunk)
            .split('\n')
            .filter((line) => line !== ''),
        );
        return show ? (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest) : true;
      }) as typeof process.stdout.write;
    process.stdout.write = capture(originals[0], process.stdout);
    process.stderr.write = capture(originals[1], process.stderr);
    this.restore = () => {
      process.stdout.write = originals[0];
      process.stderr.write = originals[1];
    };
    return this;
  }

  stop(): void {
    this.restore?.();
    this.restore = undefined;
  }

  /** Lines that parse as JSON objects (the structured log records). */
  records(): Array<Record<string, unknown>> {
    return this.lines.flatMap((line) => {
      try {
        const value: unknown = JSON.parse(line);
        return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  text(): string {
    return this.lines.join('\n');
  }

  clear(): void {
    this.lines.length = 0;
  }
}
