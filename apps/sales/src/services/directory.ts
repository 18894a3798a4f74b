import type { EntityManager } from 'typeorm';
import type { BranchFacts } from '../domain/booking-input';

/**
 * Reads of the local copies this subgraph keeps of other subgraphs' records (opportunities,
 * teams, contacts, branches), filled from their Kafka events by src/projections.
 */
export interface OpportunityCopy {
  id: string;
  version: number;
  type: string | null;
  name: string;
  number: string | null;
  customerId: string | null;
  phone: string | null;
  salespersonId: string | null;
  teamId: string | null;
  branchId: string | null;
  currency: string | null;
  campaign: string | null;
  medium: string | null;
  source: string | null;
  tagIds: string[];
  status: 'open' | 'won' | 'lost';
  active: boolean;
  deleted: boolean;
  properties: Record<string, unknown>;
}

export interface ContactCopy {
  id: string;
  name: string;
  kind: string | null;
  parentId: string | null;
  addressType: string | null;
  street: string | null;
  street2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  countryCode: string | null;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  active: boolean;
}

export type Db = Pick<EntityManager, 'query'>;

export async function findOpportunity(db: Db, id: string): Promise<OpportunityCopy | null> {
  const [row] = await db.query(
    `SELECT id, version, type, name, number, customer_id AS "customerId", phone, salesperson_id AS "salespersonId",
       team_id AS "teamId", branch_id AS "branchId", currency, campaign, medium, source, tag_ids AS "tagIds", status, active,
       deleted, properties
     FROM sales.opportunity_copy WHERE id = $1`,
    [id],
  );
  return (row as OpportunityCopy | undefined) ?? null;
}

export async function findContacts(db: Db, ids: readonly string[]): Promise<Map<string, ContactCopy>> {
  if (ids.length === 0) return new Map();
  const rows: ContactCopy[] = await db.query(
    `SELECT id, name, kind, parent_id AS "parentId", address_type AS "addressType", street, street2, city, state, zip,
       country_code AS "countryCode", email, phone, mobile, active
     FROM sales.contact_copy WHERE id = ANY($1::uuid[])`,
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Odoo's address_get: the customer's child contact of that address type, else the customer. */
export async function defaultAddresses(db: Db, customerId: string): Promise<{ invoice: string; delivery: string }> {
  const rows: { id: string; addressType: string }[] = await db.query(
    `SELECT id, address_type AS "addressType" FROM sales.contact_copy
     WHERE parent_id = $1 AND active AND address_type IN ('invoice', 'delivery') ORDER BY id`,
    [customerId],
  );
  return {
    invoice: rows.find((r) => r.addressType === 'invoice')?.id ?? customerId,
    delivery: rows.find((r) => r.addressType === 'delivery')?.id ?? customerId,
  };
}

export async function findBranch(db: Db, id: string): Promise<BranchFacts | null> {
  const [row] = await db.query(
    `SELECT id, name, time_zone AS "timeZone", workshop_opens_at AS "workshopOpensAt", workshop_closes_at AS "workshopClosesAt", active
     FROM sales.branch_copy WHERE id = $1`,
    [id],
  );
  return (row as BranchFacts | undefined) ?? null;
}

/** The team's setting "confirming an order marks the opportunity won" (false when the team is unknown). */
export async function teamMarksWonOnConfirmation(db: Db, teamId: string | null): Promise<boolean> {
  if (!teamId) return false;
  const [row] = await db.query('SELECT order_confirmation_marks_won AS marks FROM sales.team_copy WHERE id = $1', [teamId]);
  return row?.marks === true;
}
