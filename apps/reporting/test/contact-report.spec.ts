import { ManualClock, uuidv7 } from '@crm/runtime';
import type { CloudEvent } from '@crm/events';
import { createTestEnv, startStack, testToken, type GraphQLClient, type Stack, type TestEnv } from '@crm/testing';
import { reportingModule } from '../src/module';
import { EventPublisher, event, next } from './support/contract-events';
import { waitApplied } from './support/wait';

function contactState(name: string, salespersonId: string): Record<string, unknown> & { id: string } {
  const at = '2026-03-01T03:00:00.000Z';
  return { id: uuidv7(), version: 1, createdAt: at, updatedAt: at, createdBy: null, updatedBy: null, kind: 'person', name, email: null, salespersonId, branchId: null, active: true };
}

const contactEvent = (kind: string, state: Record<string, unknown> & { id: string }, extra?: Record<string, unknown>) =>
  event('contacts', 'contact', kind, state, state['updatedAt'] as string, extra);

describe('contact report: archived contacts told from active ones (contacts events)', () => {
  let env: TestEnv;
  let stack: Stack;
  let admin: GraphQLClient;
  const bob = uuidv7();
  const other = uuidv7();
  const active = contactState('Active Ani', bob);
  const archived = contactState('Archived Budi', bob);
  const mergedAway = contactState('Merged Citra', other);
  const restored = contactState('Restored Dewi', other);
  const archivedV2 = next(archived, { active: false }, '2026-03-02T03:00:00.000Z');
  const mergedV2 = next(mergedAway, { active: false, mergedIntoId: active.id }, '2026-03-02T03:00:00.000Z');
  const restoredV2 = next(restored, { active: false }, '2026-03-02T03:00:00.000Z');
  const restoredV3 = next(restoredV2, { active: true }, '2026-03-03T03:00:00.000Z');
  const events: CloudEvent[] = [
    contactEvent('created', active),
    contactEvent('created', archived),
    contactEvent('archived', archivedV2),
    contactEvent('created', mergedAway),
    contactEvent('archived', mergedV2, { mergedIntoId: active.id }),
    contactEvent('created', restored),
    // the restore arrives before the archive it undoes: the older archive changes nothing
    contactEvent('restored', restoredV3),
    contactEvent('archived', restoredV2),
  ];

  beforeAll(async () => {
    env = await createTestEnv('rpt-contacts');
    stack = await startStack({ env, modules: [reportingModule], clock: new ManualClock('2026-03-10T03:00:00.000Z') });
    await stack.subgraph('reporting').consumersReady();
    admin = stack.client(await testToken({ role: 'admin' }));
    const publisher = new EventPublisher(env);
    await publisher.publish(...events);
    await publisher.close();
    await waitApplied(stack.subgraph('reporting').deps.dataSource, events);
  });

  afterAll(async () => {
    await stack?.stop();
    await env?.cleanup();
  });

  const REPORT = `{ contactReport { totalContacts activeContacts contacts(first: 10) { totalCount edges { node { name active } } } } }`;

  it('counts the active contacts apart from the archived and merged-away ones, and flags each', async () => {
    const r = (await admin.data(REPORT)).contactReport;
    expect(r.totalContacts).toBe(4);
    expect(r.activeContacts).toBe(2);
    expect(r.contacts.totalCount).toBe(4);
    const flags = Object.fromEntries(r.contacts.edges.map((e: any) => [e.node.name, e.node.active]));
    expect(flags).toEqual({ 'Active Ani': true, 'Archived Budi': false, 'Merged Citra': false, 'Restored Dewi': true });
  });

  it('counts within the caller’s contacts', async () => {
    const own = stack.client(await testToken({ role: 'user_own', id: bob, teamIds: [] }));
    const r = (await own.data(REPORT)).contactReport;
    expect([r.totalContacts, r.activeContacts]).toEqual([2, 1]);
  });
});
