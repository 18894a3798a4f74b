import type { AuthUser } from '@crm/auth';
import { scopeOrAssignedPredicate, scopePredicate, type AssignedScopeColumns, type ScopeColumns } from '@crm/auth';

/** Positional parameters for one SQL statement. */
export class Sql {
  readonly params: unknown[] = [];

  /** Adds a parameter and returns its placeholder (with a cast when given). */
  p(value: unknown, cast?: string): string {
    this.params.push(value);
    return cast ? `$${this.params.length}::${cast}` : `$${this.params.length}`;
  }

  /** The user's record scope as a predicate over `columns` (libs/auth), parameters appended here. */
  scope(user: AuthUser, columns: ScopeColumns): string {
    return `(${scopePredicate(user, columns, this.params)})`;
  }

  /** The record scope, or assigned to the user inside their branches (activities' rule, libs/auth). */
  scopeOrAssigned(user: AuthUser, columns: AssignedScopeColumns): string {
    return `(${scopeOrAssignedPredicate(user, columns, this.params)})`;
  }
}

/** Local midnight of a calendar day in `tz` as timestamptz SQL. */
export function dayStart(sql: Sql, day: string, tz: string): string {
  return `(${sql.p(day, 'date')}::timestamp AT TIME ZONE ${sql.p(tz, 'text')})`;
}

/** Local midnight after a calendar day in `tz` (exclusive upper bound). */
export function dayEnd(sql: Sql, day: string, tz: string): string {
  return `((${sql.p(day, 'date')} + 1)::timestamp AT TIME ZONE ${sql.p(tz, 'text')})`;
}

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
