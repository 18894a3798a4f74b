import { mergeFields, sortByConfidence } from './merge';
import type { Opportunity } from './opportunity';

const base: Opportunity = {
  id: '1',
  type: 'lead',
  number: null,
  name: 'x',
  customerId: null,
  contactName: null,
  companyName: null,
  email: null,
  phone: null,
  countryCode: null,
  salespersonId: null,
  teamId: 't',
  pipelineId: 'p',
  stageId: null,
  priority: 0,
  expectedRevenue: '0.00',
  currency: 'IDR',
  probability: '10.00',
  automatedProbability: '10.00',
  probabilityManual: false,
  proratedRevenue: '0.00',
  expectedClosing: null,
  tagIds: [],
  description: null,
  campaign: null,
  medium: null,
  source: null,
  referredBy: null,
  status: 'open',
  lostReasonId: null,
  lostFeedback: null,
  active: true,
  dateOpened: null,
  dateClosed: null,
  dateLastStageUpdate: null,
  dateConversion: null,
  branchId: null,
  properties: {},
  rank: '0',
  version: 1,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
  createdBy: null,
  updatedBy: null,
};

describe('merging duplicates', () => {
  it('keeps the most confident record first', () => {
    const lead = { ...base, id: 'lead' };
    const early = { ...base, id: 'early', type: 'opportunity' as const, stageId: 'new' };
    const far = { ...base, id: 'far', type: 'opportunity' as const, stageId: 'proposition' };
    const archived = { ...base, id: 'archived', type: 'opportunity' as const, stageId: 'proposition', active: false };
    const stages = new Map([
      ['new', 1],
      ['proposition', 3],
    ]);
    expect(sortByConfidence([lead, archived, early, far], stages).map((o) => o.id)).toEqual(['far', 'early', 'lead', 'archived']);
  });

  it('takes each field from the first record that has it, unites tags and joins notes', () => {
    const head = { ...base, id: 'a', type: 'opportunity' as const, name: 'Chairs', tagIds: ['t1'], description: 'first', properties: { a: '1' } };
    const other = {
      ...base,
      id: 'b',
      name: 'Chairs (dup)',
      email: 'pepper@avengers.id',
      expectedRevenue: '5000.00',
      currency: 'USD',
      priority: 2,
      tagIds: ['t2', 't1'],
      description: 'second',
      properties: { a: '9', b: '2' },
    };
    const merged = mergeFields([head, other]);
    expect(merged).toMatchObject({
      name: 'Chairs',
      type: 'opportunity',
      email: 'pepper@avengers.id',
      expectedRevenue: '5000.00',
      currency: 'USD',
      priority: 2,
      tagIds: ['t1', 't2'],
      description: 'first\n\nsecond',
      properties: { a: '1', b: '2' },
    });
  });
});
