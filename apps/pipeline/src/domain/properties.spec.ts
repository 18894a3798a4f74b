import type { GraphQLError } from 'graphql';
import { addDays, applyPropertyPatch, keepDefined, normalizePropertyValue, validatePropertyDefinitions } from './properties';

function errorOf(fn: () => unknown): Record<string, unknown> | undefined {
  try {
    fn();
  } catch (error) {
    return (error as GraphQLError).extensions as Record<string, unknown>;
  }
  return undefined;
}

const defs = validatePropertyDefinitions([
  { key: 'followUp1', label: 'Follow Up 1', type: 'date' },
  { key: 'rating', label: 'Opportunity Status', type: 'SELECTION', options: [{ value: 'HOT', label: 'Hot' }, { value: 'COLD' }] },
  { key: 'note', label: 'Note', type: 'text' },
  { key: 'units', label: 'Units', type: 'number' },
  { key: 'paid', label: 'Paid', type: 'boolean' },
]);

describe('pipeline properties (custom fields)', () => {
  it('validates definitions', () => {
    expect(defs[1]).toEqual({ key: 'rating', label: 'Opportunity Status', type: 'selection', options: [{ value: 'HOT', label: 'Hot' }, { value: 'COLD', label: 'COLD' }] });
    expect(errorOf(() => validatePropertyDefinitions([{ key: 'Bad key', label: 'x', type: 'text' }]))).toMatchObject({ field: 'propertyDefinitions.0.key' });
    expect(errorOf(() => validatePropertyDefinitions([{ key: 'a', label: 'A', type: 'text' }, { key: 'a', label: 'B', type: 'text' }]))).toMatchObject({ field: 'propertyDefinitions.1.key' });
    expect(errorOf(() => validatePropertyDefinitions([{ key: 'a', label: 'A', type: 'selection' }]))).toMatchObject({ field: 'propertyDefinitions.0.options' });
    expect(errorOf(() => validatePropertyDefinitions([{ key: 'a', label: 'A', type: 'colour' }]))).toMatchObject({ field: 'propertyDefinitions.0.type' });
  });

  it('normalises values by type and names the property at fault', () => {
    expect(normalizePropertyValue(defs[0]!, '2020-07-11', 'f')).toBe('2020-07-11');
    expect(errorOf(() => normalizePropertyValue(defs[0]!, '2020-02-30', 'properties.followUp1'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'properties.followUp1' });
    expect(normalizePropertyValue(defs[1]!, 'hot', 'f')).toBe('HOT');
    expect(errorOf(() => normalizePropertyValue(defs[1]!, 'WARM', 'f'))).toMatchObject({ field: 'f' });
    expect(normalizePropertyValue(defs[3]!, '007.50', 'f')).toBe('7.5');
    expect(normalizePropertyValue(defs[4]!, 'TRUE', 'f')).toBe('true');
    expect(normalizePropertyValue(defs[2]!, '   ', 'f')).toBeNull();
  });

  it('applies a patch and reports what changed', () => {
    const { values, changed } = applyPropertyPatch({ note: 'x', rating: 'COLD' }, [
      { key: 'rating', value: 'HOT' },
      { key: 'note', value: null },
      { key: 'followUp1', value: '2020-07-11' },
      { key: 'units', value: undefined },
    ], defs);
    expect(values).toEqual({ rating: 'HOT', followUp1: '2020-07-11' });
    expect(changed.sort()).toEqual(['followUp1', 'note', 'rating']);
    expect(applyPropertyPatch({ rating: 'HOT' }, [{ key: 'rating', value: 'HOT' }], defs).changed).toEqual([]);
    expect(errorOf(() => applyPropertyPatch({}, [{ key: 'colour', value: 'red' }], defs))).toMatchObject({ field: 'properties.colour' });
    expect(keepDefined({ rating: 'HOT', gone: '1' }, defs)).toEqual({ rating: 'HOT' });
  });

  it('adds days across months and years', () => {
    expect(addDays('2020-07-11', 7)).toBe('2020-07-18');
    expect(addDays('2020-12-28', 7)).toBe('2021-01-04');
    expect(addDays('2020-03-01', -1)).toBe('2020-02-29');
  });
});
