import type { AuthUser } from '@crm/auth';
import { filterClauses, ordering } from './opportunity-filter';

const own: AuthUser = { id: '0193a2b4-0000-7000-8000-0000000000a1', role: 'user_own', branchIds: [], teamIds: [], tz: 'UTC' };
const admin: AuthUser = { ...own, role: 'admin' };

describe('opportunity filters', () => {
  it('puts the record scope first and "my pipeline" on by default for own-documents users', () => {
    const params: unknown[] = [];
    const clauses = filterClauses({}, own, '2026-11-23', params);
    expect(clauses[0]).toContain('o.salesperson_id = $1::uuid');
    expect(clauses).toContain(`o.salesperson_id = $${params.length}::uuid`);
    expect(clauses).toContain('o.active');
    expect(filterClauses({ mine: false }, own, '2026-11-23', []).some((c) => c.startsWith('o.salesperson_id = $') && !c.includes('OR'))).toBe(false);
    expect(filterClauses({}, admin, '2026-11-23', [])).toEqual(['TRUE', 'o.active']);
  });

  it('shows lost (archived) records when asked for them', () => {
    expect(filterClauses({ status: ['LOST'] }, admin, '2026-11-23', [])).toContain("(o.active OR o.status = 'lost')");
    expect(filterClauses({ archived: 'ALL' }, admin, '2026-11-23', [])).toEqual(['TRUE']);
    expect(filterClauses({ archived: 'ARCHIVED' }, admin, '2026-11-23', [])).toContain('NOT o.active');
  });

  it('builds overdue, dates, tags and text with parameters only', () => {
    const params: unknown[] = [];
    const clauses = filterClauses(
      { overdue: true, tagIds: ['0193a2b4-0000-7000-8000-000000000001'], text: '50%_off', closingTo: '2026-12-31' },
      admin,
      '2026-11-23',
      params,
    );
    expect(clauses.join(' ')).not.toContain('50%');
    expect(params).toContain('%50\\%\\_off%');
    expect(params).toContain('2026-11-23');
    expect(clauses.some((c) => c.startsWith('o.tag_ids && $'))).toBe(true);
  });

  it('rejects a priority outside 0–3, naming the filter field', () => {
    expect(filterClauses({ priorityAtLeast: 3 }, admin, '2026-11-23', [])).toContain('o.priority >= $1');
    for (const priorityAtLeast of [-1, 4, 1.5]) {
      expect(() => filterClauses({ priorityAtLeast }, admin, '2026-11-23', [])).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'filter.priorityAtLeast' }) }),
      );
    }
  });

  it('rejects ids that are not ids, naming the filter field', () => {
    expect(() => filterClauses({ stageIds: ['x'] }, admin, '2026-11-23', [])).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'filter.stageIds.0' }) }));
  });

  it('orders with a keyset after a cursor', () => {
    const params: unknown[] = [];
    const o = ordering({ field: 'EXPECTED_REVENUE', direction: 'DESC' }, ['100.00', '0193a2b4-0000-7000-8000-000000000001'], params);
    expect(o.orderBy).toBe('o.expected_revenue DESC, o.id DESC');
    expect(o.keyset).toBe('(o.expected_revenue, o.id) < ($1::numeric, $2::uuid)');
    expect(ordering(null, null, []).orderBy).toBe('o.created_at DESC, o.id DESC');
    expect(ordering({ field: 'NAME' }, null, []).orderBy).toBe('lower(o.name) ASC, o.id ASC');
  });
});
