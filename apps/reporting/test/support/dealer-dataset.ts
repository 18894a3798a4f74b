/**
 * Seed 002: the motorcycle dealer's follow-up process — leads per branch with the follow-up
 * values in `properties` (customer status, follow-up dates, reason not serviced), the
 * Follow Up 1/2/3 stages, and the bookings that show who came for service.
 */
import type { CloudEvent } from '@crm/events';
import { bookingState, branchState, event, next, opportunityEvent, opportunityState, stageChanged, stageState } from './contract-events';

export function dealerDataset() {
  const stages = {
    fu1: stageState('Follow Up 1', 11, { probability: '25' }),
    fu2: stageState('Follow Up 2', 12, { probability: '50' }),
    fu3: stageState('Follow Up 3', 13, { probability: '70' }),
  };
  const branches = { ind: branchState('IND01', 'Indramayu'), ban: branchState('BAN04', 'Soekarno Hatta') };
  const at = (day: string) => `${day}T03:00:00.000Z`;
  const lead = (number: string, branch: string, created: string, contactName: string, properties: Record<string, unknown>) =>
    opportunityState({
      type: 'lead',
      name: number,
      number,
      contactName,
      phone: '085294233849',
      branchId: branch,
      createdAt: at(created),
      updatedAt: at(created),
      dateOpened: at(created),
      dateLastStageUpdate: at(created),
      expectedRevenue: '0',
      probability: null,
      properties,
    });
  const events: CloudEvent[] = [
    ...Object.values(stages).map((s) => event('pipeline', 'stage', 'created', s, '2026-01-01T00:00:00.000Z')),
    ...Object.values(branches).map((b) => event('contacts', 'branch', 'created', b, '2026-01-01T00:00:00.000Z')),
  ];
  const d1 = lead('LDS/IND01/2603/00001', 'IND01', '2026-03-02', 'TAWIR', { customerStatus: 'Terhubung', followUp1: '2026-03-03', kpbNumber: '2' });
  const d2 = lead('LDS/IND01/2603/00002', 'IND01', '2026-03-03', 'URYANINGSIH', { customerStatus: 'TIDAK_TERHUBUNG', followUp1: '2026-03-04' });
  let d3 = lead('LDS/IND01/2603/00003', 'IND01', '2026-03-04', 'DAYAT', { customerStatus: 'Terhubung', reasonNotServiced: 'Sudah servis di bengkel lain' });
  const d4 = lead('LDS/IND01/2603/00004', 'IND01', '2026-03-05', 'M. KOSIM', {});
  const d5 = lead('LDS/IND01/2603/00005', 'IND01', '2026-03-10', 'ANSAR', { customerStatus: 'REJECTED', followUp1: '2026-03-11' });
  const d6 = lead('LDS/BAN04/2603/00001', 'BAN04', '2026-03-02', 'HENDRA BUDIANA', { customerStatus: 'Terhubung', followUp1: '2026-03-03', followUp2: '2026-03-10' });
  const d7 = lead('LDS/BAN04/2603/00002', 'BAN04', '2026-03-03', 'SUTIA', { customerStatus: 'Terhubung', followUp1: '2026-03-04' });
  events.push(...[d1, d2, d3, d4, d5, d6, d7].map((d) => opportunityEvent('created', d)));
  let e: CloudEvent;
  [d3, e] = stageChanged(d3, null, stages.fu1, at('2026-03-05'), null);
  events.push(e);
  [d3, e] = stageChanged(d3, stages.fu1, stages.fu2, at('2026-03-12'), 7 * 86400);
  events.push(e);
  events.push(
    opportunityEvent(
      'lost',
      next(d7, { status: 'lost', active: false, lostReasonId: '01934d6e-0000-7000-8000-0000000002e1', lostReasonName: 'Motor dijual', dateClosed: at('2026-03-09') }, at('2026-03-09')),
      { lostReasonId: '01934d6e-0000-7000-8000-0000000002e1' },
    ),
  );
  const booking = (opportunityId: string, branchId: string, state: string) => bookingState({ opportunityId, branchId, state });
  const b1 = booking(d1.id, 'IND01', 'draft');
  const b6 = booking(d6.id, 'BAN04', 'posted');
  const b5 = booking(d5.id, 'IND01', 'draft');
  events.push(
    event('sales', 'booking', 'created', b1, at('2026-03-06')),
    event('sales', 'booking', 'posted', { ...b1, state: 'posted', version: 2 }, at('2026-03-07')),
    event('sales', 'booking', 'created', b6, at('2026-03-06')),
    event('sales', 'booking', 'work_order_created', { ...b6, state: 'work_order_created', workOrderNumber: 'WO/BAN04/2603/0001', version: 2 }, at('2026-03-08')),
    event('sales', 'booking', 'created', b5, at('2026-03-12')),
  );
  return { stages, branches, events, leads: { d1, d2, d3, d4, d5, d6, d7 } };
}
