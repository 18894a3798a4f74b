import { assertLeadComplete, assertLostReason, assertRestorable, autoValuesFor, validatePipelineRules, type PipelineRules } from './pipeline-rules';
import type { PropertyDefinition } from './properties';

const definitions: PropertyDefinition[] = [
  { key: 'nationalId', label: 'No KTP', type: 'text', options: [] },
  { key: 'occupation', label: 'Pekerjaan', type: 'selection', options: [{ value: 'OJEK', label: 'Ojek' }] },
  { key: 'rating', label: 'Rating', type: 'selection', options: [{ value: 'HOT', label: 'Hot' }] },
];

const rules: PipelineRules = validatePipelineRules(
  {
    leadRequiredFields: ['properties.occupation'],
    autoValues: [
      { field: 'priority', value: '2', whenFilled: ['properties.nationalId', 'phone'] },
      { field: 'properties.rating', value: 'hot', whenFilled: ['expectedClosing'] },
    ],
  },
  definitions,
);

const reader = (values: Record<string, unknown>) => (field: string) => values[field] ?? null;
const none = () => false;

describe('pipeline rules', () => {
  it('validates fields, values and dependencies, naming the entry at fault', () => {
    expect(rules.autoValues[1]).toEqual({ field: 'properties.rating', value: 'HOT', whenFilled: ['expectedClosing'] });
    const bad: [Parameters<typeof validatePipelineRules>[0], string][] = [
      [{ leadRequiredFields: ['properties.nope'] }, 'rules.leadRequiredFields.0'],
      [{ leadRequiredFields: ['colour'] }, 'rules.leadRequiredFields.0'],
      [{ autoValues: [{ field: 'priority', value: '4', whenFilled: ['phone'] }] }, 'rules.autoValues.0.value'],
      [{ autoValues: [{ field: 'properties.rating', value: 'WARM', whenFilled: ['phone'] }] }, 'rules.autoValues.0.value'],
      [{ autoValues: [{ field: 'name', value: 'x', whenFilled: ['phone'] }] }, 'rules.autoValues.0.field'],
      [{ autoValues: [{ field: 'priority', value: '1', whenFilled: [] }] }, 'rules.autoValues.0.whenFilled'],
      [{ autoValues: [{ field: 'priority', value: '1', whenFilled: ['priority'] }] }, 'rules.autoValues.0.whenFilled'],
    ];
    for (const [input, field] of bad) {
      expect(() => validatePipelineRules(input, definitions)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }));
    }
  });

  it('sets a value once all its fields are filled and one of them was just given', () => {
    const filled = reader({ phone: '0858', 'properties.nationalId': '6472' });
    expect(autoValuesFor(rules, filled, new Set(['phone']), new Set(), none)).toEqual([{ field: 'priority', value: '2' }]);
    // Nothing the rule depends on changed: a priority set by hand later stays.
    expect(autoValuesFor(rules, filled, new Set(['name']), new Set(), none)).toEqual([]);
    // Only the phone known: not yet.
    expect(autoValuesFor(rules, reader({ phone: '0858' }), new Set(['phone']), new Set(), none)).toEqual([]);
  });

  it('does not override what the change names, nor what the stage locks, nor an equal value', () => {
    const filled = reader({ phone: '0858', 'properties.nationalId': '6472' });
    expect(autoValuesFor(rules, filled, new Set(['phone']), new Set(['priority']), none)).toEqual([]);
    expect(autoValuesFor(rules, filled, new Set(['phone']), new Set(), (f) => f === 'priority')).toEqual([]);
    expect(autoValuesFor(rules, reader({ phone: '0858', 'properties.nationalId': '6472', priority: 2 }), new Set(['phone']), new Set(), none)).toEqual([]);
  });

  it('wants a lost reason when the pipeline says so', () => {
    expect(rules.lostReasonRequired).toBe(false);
    expect(() => assertLostReason(rules, null)).not.toThrow();
    const strict = validatePipelineRules({ lostReasonRequired: true }, definitions);
    expect(() => assertLostReason(strict, '0193a2b4-0000-7000-8000-000000000001')).not.toThrow();
    expect(() => assertLostReason(strict, null)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'lostReasonId' }) }));
  });

  it('keeps lost ones lost when the pipeline says so', () => {
    expect(() => assertRestorable(rules)).not.toThrow();
    expect(() => assertRestorable(validatePipelineRules({ lostIsFinal: true }, definitions))).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'INVALID_TRANSITION' }) }),
    );
  });

  it('requires a lead’s fields, naming the first and listing all', () => {
    expect(() => assertLeadComplete(rules, reader({ 'properties.occupation': 'OJEK' }))).not.toThrow();
    expect(() => assertLeadComplete(rules, reader({}))).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'properties.occupation', missing: ['properties.occupation'] }) }),
    );
  });
});
