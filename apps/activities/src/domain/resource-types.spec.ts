import type { GraphQLError } from 'graphql';
import { RESOURCE_TYPES, isKnownDateField, readDate, validateResourceRef } from './resource-types';

describe('resource type registry', () => {
  it('accepts registered types with a UUID id, names the field otherwise', () => {
    expect(validateResourceRef('Opportunity', '01934d6e-0000-7000-8000-0000000000aa').name).toBe('Opportunity');
    const fieldOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as GraphQLError).extensions;
      }
      return null;
    };
    expect(fieldOf(() => validateResourceRef('Invoice', '01934d6e-0000-7000-8000-0000000000aa'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resourceType' });
    expect(fieldOf(() => validateResourceRef('Contact', '42'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'resourceId' });
  });

  it('knows which date fields rules may use, including opportunity date properties', () => {
    expect(isKnownDateField(RESOURCE_TYPES['BookingService']!, 'bookingDate')).toBe(true);
    expect(isKnownDateField(RESOURCE_TYPES['BookingService']!, 'serviceDate')).toBe(false);
    expect(isKnownDateField(RESOURCE_TYPES['Opportunity']!, 'properties.kpbExpiry')).toBe(true);
    expect(isKnownDateField(RESOURCE_TYPES['Opportunity']!, 'properties.')).toBe(false);
    expect(isKnownDateField(RESOURCE_TYPES['Quotation']!, 'properties.x')).toBe(false);
  });

  it('reads dates, instants (as the local day) and nested properties', () => {
    const state = { bookingDate: '2026-12-01', createdAt: '2026-11-23T18:00:00.000Z', properties: { kpbExpiry: '2027-01-15', note: 'x' } };
    expect(readDate(state, 'bookingDate', 'Asia/Jakarta')).toBe('2026-12-01');
    expect(readDate(state, 'createdAt', 'Asia/Jakarta')).toBe('2026-11-24');
    expect(readDate(state, 'createdAt', 'UTC')).toBe('2026-11-23');
    expect(readDate(state, 'properties.kpbExpiry', 'UTC')).toBe('2027-01-15');
    expect(readDate(state, 'properties.note', 'UTC')).toBeNull();
    expect(readDate(state, 'properties.missing', 'UTC')).toBeNull();
  });

  it('extracts the facts visibility and rules need from each owner’s event state', () => {
    expect(RESOURCE_TYPES['Opportunity']!.facts({ name: '200 Office Chairs', salespersonId: '01934d6e-0000-7000-8000-0000000000a1', branchId: 'SAM01', active: false })).toEqual({
      name: '200 Office Chairs',
      ownerId: '01934d6e-0000-7000-8000-0000000000a1',
      teamId: null,
      branchId: 'SAM01',
      active: false,
    });
    expect(RESOURCE_TYPES['BookingService']!.facts({ number: 'BOS-W/SAM01/2611/00001', state: 'cancelled' }).active).toBe(false);
  });
});
