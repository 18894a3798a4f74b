/**
 * A known dataset of contract events (stages, teams, users, branches, opportunities with
 * their stage moves, wins, losses, a conversion and a deletion) and the figures it must give.
 */
import type { CloudEvent } from '@crm/events';
import { branchState, event, next, opportunityEvent, opportunityState, stageChanged, stageState, teamState, userState } from './contract-events';

export function knownDataset() {
  const stages = {
    new: stageState('New', 1, { probability: '10' }),
    qualified: stageState('Qualified', 2, { probability: '30' }),
    proposition: stageState('Proposition', 3, { probability: '70' }),
    won: stageState('Won', 4, { probability: '100', isWon: true }),
  };
  const teams = {
    direct: teamState('Direct Sales', { invoicingTarget: '300000000', currency: 'IDR' }),
    dealers: teamState('Dealers', { invoicingTarget: '50000000', currency: 'IDR' }),
  };
  const users = {
    alice: userState('Alice', { teamIds: [teams.direct.id], branchIds: ['SAM01'] }),
    bob: userState('Bob', { teamIds: [teams.direct.id], branchIds: ['SAM01'] }),
    carol: userState('Carol', { teamIds: [teams.dealers.id], branchIds: ['MAN01'] }),
  };
  teams.direct['memberIds'] = [users.alice.id, users.bob.id];
  teams.direct['leaderId'] = users.alice.id;
  teams.dealers['memberIds'] = [users.carol.id];
  const branches = { sam: branchState('SAM01', 'Samarinda'), man: branchState('MAN01', 'Manado') };
  const lost = { expensive: '01934d6e-0000-7000-8000-0000000001e1', stock: '01934d6e-0000-7000-8000-0000000001e2' };

  const events: CloudEvent[] = [
    ...Object.values(stages).map((s) => event('pipeline', 'stage', 'created', s, '2026-01-01T00:00:00.000Z')),
    ...Object.values(teams).map((t) => event('pipeline', 'team', 'created', t, '2026-01-01T00:00:00.000Z')),
    ...Object.values(users).map((u) => event('contacts', 'user', 'created', u, '2026-01-01T00:00:00.000Z')),
    ...Object.values(branches).map((b) => event('contacts', 'branch', 'created', b, '2026-01-01T00:00:00.000Z')),
  ];
  const at = (day: string) => `${day}T03:00:00.000Z`;
  const base = (name: string, who: { id: string } | null, team: { id: string }, branch: string, created: string, revenue: string, extra: Record<string, unknown> = {}) =>
    opportunityState({
      name,
      salespersonId: who?.id ?? null,
      teamId: team.id,
      branchId: branch,
      stageId: stages.new.id,
      stageName: 'New',
      expectedRevenue: revenue,
      probability: '10',
      createdAt: at(created),
      updatedAt: at(created),
      dateOpened: at(created),
      dateLastStageUpdate: at(created),
      ...extra,
    });

  // o1: New → Qualified (5 d) → Proposition (15 d) → Won (10 d), won 30 days after creation.
  let o1 = base('200 Office Chairs', users.alice, teams.direct, 'SAM01', '2026-01-15', '100000000', { expectedClosing: '2026-04-30', tagIds: ['furniture'] });
  events.push(opportunityEvent('created', o1));
  let e: CloudEvent;
  [o1, e] = stageChanged(o1, stages.new, stages.qualified, at('2026-01-20'), 5 * 86400);
  events.push(e);
  [o1, e] = stageChanged(o1, stages.qualified, stages.proposition, at('2026-02-04'), 15 * 86400);
  events.push(e);
  [o1, e] = stageChanged(o1, stages.proposition, stages.won, at('2026-02-14'), 10 * 86400);
  events.push(e);
  o1 = next(o1, { status: 'won', probability: '100', dateClosed: at('2026-02-14') }, at('2026-02-14'));
  events.push(opportunityEvent('won', o1));

  // o2: New → Qualified after 12 days, open.
  let o2 = base('Service contract 2027', users.bob, teams.direct, 'SAM01', '2026-01-20', '45000000', { expectedClosing: '2026-03-31' });
  events.push(opportunityEvent('created', o2));
  [o2, e] = stageChanged(o2, stages.new, stages.qualified, at('2026-02-01'), 12 * 86400);
  events.push(e);

  // o3: USD, open in New, two tags.
  const o3 = base('Fleet laptops', users.carol, teams.dealers, 'MAN01', '2026-02-03', '2000', {
    currency: 'USD',
    expectedClosing: '2026-03-31',
    tagIds: ['it', 'furniture'],
  });
  events.push(opportunityEvent('created', o3));

  // o4–o6: lost.
  const lose = (o: ReturnType<typeof opportunityState>, day: string, reason: string, reasonName: string) =>
    opportunityEvent('lost', next(o, { status: 'lost', active: false, probability: '0', lostReasonId: reason, lostReasonName: reasonName, dateClosed: at(day) }, at(day)), {
      lostReasonId: reason,
    });
  const o4 = base('Canteen chairs', users.alice, teams.direct, 'SAM01', '2026-02-10', '20000000');
  const o5 = base('Lobby sofas', users.carol, teams.dealers, 'MAN01', '2026-02-11', '30000000');
  const o6 = base('Printer', users.bob, teams.direct, 'SAM01', '2026-02-12', '5000000');
  events.push(opportunityEvent('created', o4), lose(o4, '2026-02-20', lost.expensive, 'Too expensive'));
  events.push(opportunityEvent('created', o5), lose(o5, '2026-02-25', lost.expensive, 'Too expensive'));
  events.push(opportunityEvent('created', o6), lose(o6, '2026-02-26', lost.stock, 'No stock'));

  // o7: an unassigned lead of Direct Sales.
  const o7 = base('Walk-in lead', null, teams.direct, 'SAM01', '2026-02-15', '0', { type: 'lead', stageId: null, stageName: null, probability: null });
  events.push(opportunityEvent('created', o7));

  // o8: a lead converted into an opportunity (lands in New).
  let o8 = base('Converted lead', users.carol, teams.dealers, 'MAN01', '2026-01-25', '10000000', { type: 'lead', stageId: null, stageName: null });
  events.push(opportunityEvent('created', o8));
  o8 = next(o8, { type: 'opportunity', stageId: stages.new.id, stageName: 'New', dateLastStageUpdate: at('2026-02-01') }, at('2026-02-01'));
  events.push(opportunityEvent('converted', o8, { mergedIds: [], createdCustomerId: null }));

  // o9: deleted: in no report.
  const o9 = base('Deleted deal', users.alice, teams.direct, 'SAM01', '2026-02-01', '1000000');
  events.push(opportunityEvent('created', o9), opportunityEvent('deleted', o9, undefined, at('2026-02-02')));

  return { stages, teams, users, branches, lost, events, opportunities: { o1, o2, o3, o4, o5, o6, o7, o8, o9 } };
}

export type KnownDataset = ReturnType<typeof knownDataset>;
