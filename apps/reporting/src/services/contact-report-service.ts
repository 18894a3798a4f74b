import type { DataSource } from 'typeorm';
import { parsePage, toConnection, type Connection, type PageArgs } from '@crm/graphql';
import { TOPICS } from '@crm/events';

export interface ReportedContactRow {
  id: string;
  name: string;
  email: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export class ContactReportService {
  constructor(private readonly dataSource: DataSource) {}

  async summary(): Promise<{ totalContacts: number; contactsCreated: number; newestEventAt: Date | null }> {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM reporting.contact_rm) AS total,
              (SELECT COALESCE(sum(applied), 0)::int FROM reporting.event_tally WHERE event_type = 'crm.contacts.contact.created.v1') AS created,
              (SELECT newest_event_at FROM reporting.freshness WHERE stream = $1) AS newest`,
      [TOPICS.contactsContact],
    );
    return { totalContacts: row.total, contactsCreated: row.created, newestEventAt: row.newest };
  }

  async contacts(args: PageArgs): Promise<Connection<ReportedContactRow>> {
    const page = parsePage(args);
    const rows: ReportedContactRow[] = await this.dataSource.query(
      `SELECT id, name, email, version, created_at AS "createdAt", updated_at AS "updatedAt"
       FROM reporting.contact_rm WHERE ($1::uuid IS NULL OR id < $1::uuid) ORDER BY id DESC LIMIT $2`,
      [page.after ? String(page.after[0]) : null, page.limit + 1],
    );
    return toConnection(rows, page, (r) => [r.id], async () => {
      const [count] = await this.dataSource.query('SELECT count(*)::int AS n FROM reporting.contact_rm');
      return count.n as number;
    });
  }
}
