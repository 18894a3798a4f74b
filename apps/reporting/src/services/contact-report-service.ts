import type { DataSource } from 'typeorm';
import { contactScopePredicate, type AuthUser } from '@crm/auth';
import { parsePage, toConnection, type Connection, type PageArgs } from '@crm/graphql';
import { TOPICS } from '@crm/events';

export interface ReportedContactRow {
  id: string;
  name: string;
  email: string | null;
  active: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The contacts' own rule (libs/auth contactScopePredicate) over contact_rm `c`: a user_team's
 * teammates are the users of their teams as reporting knows them (user_rm, from the users' events).
 */
function contactScope(user: AuthUser, params: unknown[]): string {
  return contactScopePredicate(
    user,
    {
      owner: 'c.salesperson_id',
      branch: 'c.branch_id',
      ownerInTeams: (teamIds) => `c.salesperson_id IN (SELECT u.id FROM reporting.user_rm u WHERE u.team_ids && ${teamIds})`,
    },
    params,
  );
}

/** Whether the caller reads every contact (head-office administrators and all-documents users). */
function readsEveryContact(user: AuthUser): boolean {
  return (user.role === 'admin' || user.role === 'user_all') && user.branchIds.length === 0;
}

/** The foundation's contact report, within the caller's contacts (counts and rows alike). */
export class ContactReportService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Contacts the caller may read (archived ones too) and the active ones among them; `contactsCreated` is the tally of contact.created events for
   * those who read every contact, and for the others the contacts they may read (a tally over
   * everything would count contacts they may not see).
   */
  async summary(user: AuthUser): Promise<{ totalContacts: number; activeContacts: number; contactsCreated: number; newestEventAt: Date | null }> {
    const params: unknown[] = [TOPICS.contactsContact];
    const scope = contactScope(user, params);
    const [row] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM reporting.contact_rm c WHERE ${scope}) AS total,
              (SELECT count(*)::int FROM reporting.contact_rm c WHERE c.active AND ${scope}) AS active,
              (SELECT COALESCE(sum(applied), 0)::int FROM reporting.event_tally WHERE event_type = 'crm.contacts.contact.created.v1') AS created,
              (SELECT newest_event_at FROM reporting.freshness WHERE stream = $1) AS newest`,
      params,
    );
    return { totalContacts: row.total, activeContacts: row.active, contactsCreated: readsEveryContact(user) ? row.created : row.total, newestEventAt: row.newest };
  }

  async contacts(user: AuthUser, args: PageArgs): Promise<Connection<ReportedContactRow>> {
    const page = parsePage(args);
    const params: unknown[] = [page.after ? String(page.after[0]) : null, page.limit + 1];
    const scope = contactScope(user, params);
    const rows: ReportedContactRow[] = await this.dataSource.query(
      `SELECT id, name, email, active, version, created_at AS "createdAt", updated_at AS "updatedAt"
       FROM reporting.contact_rm c WHERE ($1::uuid IS NULL OR id < $1::uuid) AND ${scope} ORDER BY id DESC LIMIT $2`,
      params,
    );
    return toConnection(rows, page, (r) => [r.id], async () => {
      const countParams: unknown[] = [];
      const [count] = await this.dataSource.query(`SELECT count(*)::int AS n FROM reporting.contact_rm c WHERE ${contactScope(user, countParams)}`, countParams);
      return count.n as number;
    });
  }
}
