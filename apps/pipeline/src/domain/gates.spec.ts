import type { GraphQLError } from 'graphql';
import { templateByKey } from '../config/templates';
import { assertCanEnter, assertCanLeave, assertEditable, computeDefaults, lockReason, missingRequired, validateGates, type GateStage } from './gates';

function errorOf(fn: () => unknown): Record<string, unknown> | undefined {
  try {
    fn();
  } catch (error) {
    return (error as GraphQLError).extensions as Record<string, unknown>;
  }
  return undefined;
}

const dealer = templateByKey('dealer-h23-follow-up')!;
const stages: GateStage[] = dealer.stages.map((s, i) => ({ id: `s${i}`, name: s.name, sequence: s.sequence, gates: s.gates }));
const [fresh, fu1, fu2, fu3, won] = stages as [GateStage, GateStage, GateStage, GateStage, GateStage];
const reader = (values: Record<string, unknown>) => (field: string) => values[field];

describe('stage gates (the dealer’s follow-up process as configuration)', () => {
  it('requires the occupation to enter New and the follow-up date, rating and status to enter Follow Up 1', () => {
    expect(missingRequired(fresh, reader({}))).toEqual(['properties.occupation']);
    expect(errorOf(() => assertCanEnter(fu1, reader({ 'properties.followUp1': '2020-07-11' })))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'properties.prospectRating',
      missing: ['properties.prospectRating', 'properties.customerStatus'],
      stageName: 'Follow Up 1',
    });
    expect(() =>
      assertCanEnter(fu1, reader({ 'properties.followUp1': '2020-07-11', 'properties.prospectRating': 'COLD', 'properties.customerStatus': 'TERHUBUNG' })),
    ).not.toThrow();
  });

  it('lets everything change in New, only the follow-up fields from Follow Up 1 on, and nothing once won', () => {
    expect(() => assertEditable(['name', 'phone', 'properties.occupation'], fresh, stages)).not.toThrow();
    expect(() => assertEditable(['properties.followUp1', 'properties.nextPlanFollowUp2', 'expectedClosing', 'properties.customerStatus'], fu1, stages)).not.toThrow();
    expect(errorOf(() => assertEditable(['properties.occupation'], fu1, stages))).toMatchObject({ field: 'properties.occupation', locked: true, stageName: 'Follow Up 1' });
    expect(errorOf(() => assertEditable(['phone'], fu2, stages))).toMatchObject({ field: 'phone', locked: true });
    expect(errorOf(() => assertEditable(['properties.followUp1'], fu2, stages))).toMatchObject({ field: 'properties.followUp1' });
    expect(errorOf(() => assertEditable(['properties.nextPlanFollowUp3'], fu3, stages))).toMatchObject({ field: 'properties.nextPlanFollowUp3' });
    expect(() => assertEditable(['properties.followUp3', 'properties.prospectRating'], fu3, stages)).not.toThrow();
    expect(errorOf(() => assertEditable(['properties.note'], won, stages))).toMatchObject({ field: 'properties.note', locked: true });
    expect(() => assertEditable(['name'], null, stages)).not.toThrow();
  });

  it('keeps a won card in the won stage; the follow-up stages let their cards go on', () => {
    for (const stage of [fresh, fu1, fu2, fu3]) expect(() => assertCanLeave(stage)).not.toThrow();
    expect(errorOf(() => assertCanLeave(won))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stageId', locked: true, stageName: 'Won' });
    expect(() => assertCanLeave(null)).not.toThrow();
  });

  it('locks fields after a stage for every later stage', () => {
    const plain = (id: string, sequence: number, lockedAfterFields: string[] = []): GateStage => ({
      id,
      name: id,
      sequence,
      gates: { requiredFields: [], editableFields: null, lockedFields: [], lockedAfterFields, computedDefaults: [] },
    });
    const pipeline = [plain('a', 1, ['expectedRevenue']), plain('b', 2), plain('c', 3)];
    expect(lockReason('expectedRevenue', pipeline[0]!, pipeline)).toBeNull();
    expect(lockReason('expectedRevenue', pipeline[2]!, pipeline)).toBe('expectedRevenue is locked after stage a');
    expect(lockReason('name', pipeline[2]!, pipeline)).toBeNull();
  });

  it('computes Next Plan Follow Up 2 = Follow Up 1 + 7 days unless it was given', () => {
    const read = reader({ 'properties.followUp1': '2020-07-11' });
    expect(computeDefaults(fu1, stages, read, new Set(['properties.followUp1']), new Set())).toEqual([
      { field: 'properties.nextPlanFollowUp2', value: '2020-07-18' },
    ]);
    expect(computeDefaults(fu1, stages, read, new Set(['properties.followUp1']), new Set(['properties.nextPlanFollowUp2']))).toEqual([]);
    // Already planned and Follow Up 1 unchanged: keep the plan.
    expect(computeDefaults(fu1, stages, reader({ 'properties.followUp1': '2020-07-11', 'properties.nextPlanFollowUp2': '2020-07-20' }), new Set(), new Set())).toEqual([]);
    expect(computeDefaults(fu2, stages, reader({ 'properties.followUp2': '2020-07-18' }), new Set(['properties.followUp2']), new Set())).toEqual([
      { field: 'properties.nextPlanFollowUp3', value: '2020-07-25' },
    ]);
  });

  it('validates gate configuration against the fields that exist', () => {
    expect(errorOf(() => validateGates({ requiredFields: ['colour'] }, {}))).toMatchObject({ field: 'gates.requiredFields.0' });
    expect(errorOf(() => validateGates({ lockedFields: ['properties.nope'] }, { yes: 'date' }))).toMatchObject({ field: 'gates.lockedFields.0' });
    expect(validateGates({ lockedFields: ['properties.any'] }, null).lockedFields).toEqual(['properties.any']);
    expect(errorOf(() => validateGates({ computedDefaults: [{ field: 'properties.note', from: 'properties.d', addDays: 1 }] }, { note: 'text', d: 'date' }))).toMatchObject({
      field: 'gates.computedDefaults.0.field',
    });
    expect(validateGates({ editableFields: [] }, {}).editableFields).toEqual([]);
    expect(validateGates({}, {}).editableFields).toBeNull();
  });
});
