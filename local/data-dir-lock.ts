import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalConfigError } from './local-config';

/**
 * One `npm start` per data folder: the embedded store's LevelDB files cannot be shared, and a
 * second process would otherwise crash on them. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'npm-start.pid');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(file, 'utf8'));
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
      throw new LocalConfigError(
        `Another npm start (pid ${holder}) is using ${dataDir}: stop it, or use LOCAL_DATA_DIR=<another folder> or --in-memory.`,
      );
    }
    // A stale lock from a process that is gone.
    writeFileSync(file, String(process.pid));
  }
  return () => rmSync(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
