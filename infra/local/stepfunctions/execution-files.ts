/**
 * One JSON file per execution under `<dataDir>/executions/`, written atomically (temporary
 * file + rename) so a crash mid-write never leaves a torn record.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionRecord } from './execution-record.ts';

export class ExecutionFiles {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'executions');
    mkdirSync(this.dir, { recursive: true });
  }

  loadAll(): ExecutionRecord[] {
    return readdirSync(this.dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as ExecutionRecord);
  }

  save(record: ExecutionRecord): void {
    const file = join(this.dir, `${encodeURIComponent(`${record.stateMachineName}:${record.name}`)}.json`);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(record));
    renameSync(temporary, file);
  }
}
