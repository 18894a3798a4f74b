import type { Logger as TypeOrmLogger, QueryRunner } from 'typeorm';
import type { Logger } from '@crm/runtime';
import { isBackground } from './background';

/**
 * A TypeORM logger that counts the SQL statements a DataSource runs for requests (N+1 checks
 * and benchmarks; background work — relay, consumers — is counted apart) and reports failed
 * and slow queries through pino; it never prints SQL otherwise.
 */
export class QueryCountingLogger implements TypeOrmLogger {
  count = 0;
  backgroundCount = 0;
  constructor(private readonly logger?: Logger) {}

  logQuery(_query: string, _parameters?: unknown[], runner?: QueryRunner): void {
    if (isBackground(runner)) this.backgroundCount += 1;
    else this.count += 1;
  }
  logQueryError(error: string | Error, query: string): void {
    this.logger?.debug({ err: error, query: query.slice(0, 200) }, 'query failed');
  }
  logQuerySlow(time: number, query: string): void {
    this.logger?.warn({ ms: time, query: query.slice(0, 200) }, 'slow query');
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger?.info({ migration: message }, 'migration');
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger?.warn({ message }, 'typeorm');
  }
}
