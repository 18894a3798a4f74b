import type { EntityManager } from 'typeorm';
import { uuidv7 } from '@crm/runtime';
import { ACTIVITY_COLUMNS, ACTIVITY_JOINS, toActivity, type Activity } from '../entities/activity';

type Runner = Pick<EntityManager, 'query'>;

export interface NewActivity {
  typeId: string;
  resourceType: string;
  resourceId: string;
  summary: string | null;
  note: string | null;
  dueDate: string;
  dueTime: string | null;
  assigneeId: string | null;
  ruleId?: string | null;
  ruleAnchor?: string | null;
  previousActivityId?: string | null;
  meetingId?: string | null;
  recordOwnerId: string | null;
  teamId: string | null;
  branchId: string | null;
}

/** Columns an update may set (snake_case → value). */
export type ActivityColumns = Partial<{
  summary: string | null;
  note: string | null;
  due_date: string;
  due_time: string | null;
  assignee_id: string | null;
  status: 'open' | 'done' | 'cancelled';
  done_at: Date;
  done_by: string | null;
  feedback: string | null;
  cancelled_at: Date;
  cancel_reason: string | null;
  cancelled_by_rule: boolean;
  rule_anchor: string;
}>;

/** Row-level reads and writes of activities, inside the caller's transaction. */
export class ActivityStore {
  async insert(manager: EntityManager, a: NewActivity, actor: string | null, now: Date): Promise<Activity> {
    const id = uuidv7(now.getTime());
    await manager.query(
      `INSERT INTO activities.activity (id, type_id, resource_type, resource_id, summary, note, due_date, due_time, assignee_id,
         rule_id, rule_anchor, previous_activity_id, meeting_id, record_owner_id, team_id, branch_id, created_at, updated_at, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $18)`,
      [
        id, a.typeId, a.resourceType, a.resourceId, a.summary, a.note, a.dueDate, a.dueTime, a.assigneeId,
        a.ruleId ?? null, a.ruleAnchor ?? null, a.previousActivityId ?? null, a.meetingId ?? null,
        a.recordOwnerId, a.teamId, a.branchId, now, actor,
      ],
    );
    return (await this.load(manager, id))!;
  }

  async load(runner: Runner, id: string, forUpdate = false): Promise<Activity | null> {
    const rows = await runner.query(
      `SELECT ${ACTIVITY_COLUMNS} FROM activities.activity a ${ACTIVITY_JOINS} WHERE a.id = $1 ${forUpdate ? 'FOR UPDATE OF a' : ''}`,
      [id],
    );
    return rows[0] ? toActivity(rows[0]) : null;
  }

  /** Sets the given columns, bumps the version and answers the new state. */
  async update(manager: EntityManager, id: string, set: ActivityColumns, actor: string | null, now: Date): Promise<Activity> {
    const params: unknown[] = [id, now, actor];
    const assignments = Object.entries(set).map(([column, value]) => {
      params.push(value);
      return `${column} = $${params.length}`;
    });
    await manager.query(
      `UPDATE activities.activity SET ${[...assignments, 'version = version + 1', 'updated_at = $2', 'updated_by = $3'].join(', ')} WHERE id = $1`,
      params,
    );
    return (await this.load(manager, id))!;
  }

  /** Open activities of a record, oldest due first (for cancelling or re-pointing them). */
  async openOf(runner: Runner, resourceType: string, resourceId: string, forUpdate = false): Promise<Activity[]> {
    const rows = await runner.query(
      `SELECT ${ACTIVITY_COLUMNS} FROM activities.activity a ${ACTIVITY_JOINS}
       WHERE a.resource_type = $1 AND a.resource_id = $2 AND a.status = 'open' ORDER BY a.due_date, a.id ${forUpdate ? 'FOR UPDATE OF a' : ''}`,
      [resourceType, resourceId],
    );
    return rows.map(toActivity);
  }
}
