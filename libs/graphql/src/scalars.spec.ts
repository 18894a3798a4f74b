import { GraphQLError } from 'graphql';
import { normalizeDecimal, parseDate, parseDateTime, parseDecimal } from './scalars';
import { decodeCursor, encodeCursor, parsePage, toConnection } from './pagination';
import { maskError } from './errors';

describe('scalars', () => {
  it('keeps decimals as exact strings', () => {
    expect(parseDecimal('100000000.00')).toBe('100000000');
    expect(parseDecimal('0012.50')).toBe('12.5');
    expect(parseDecimal(42)).toBe('42');
    expect(normalizeDecimal('-0.00')).toBe('0');
    expect(() => parseDecimal('1e5')).toThrow(GraphQLError);
    expect(() => parseDecimal(0.1)).toThrow(GraphQLError);
  });

  it('accepts real calendar dates and ISO instants only', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(() => parseDate('2023-02-29')).toThrow(GraphQLError);
    expect(parseDateTime('2026-11-23T08:00:00+07:00').toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(() => parseDateTime('2026-11-23 08:00')).toThrow(GraphQLError);
  });
});

describe('pagination', () => {
  it('caps first at 100 with BAD_USER_INPUT on the field', () => {
    expect(parsePage({ first: 100 }).limit).toBe(100);
    try {
      parsePage({ first: 101 });
      throw new Error('expected an error');
    } catch (error) {
      expect((error as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });

  it('round-trips opaque keyset cursors and refuses forged ones', () => {
    expect(decodeCursor(encodeCursor(['2026-11-23', 'abc']))).toEqual(['2026-11-23', 'abc']);
    expect(() => decodeCursor('bm90IGpzb24')).toThrow(GraphQLError);
  });

  it('uses the extra row only to say there is a next page', () => {
    const page = parsePage({ first: 2 });
    const connection = toConnection([{ id: 'a' }, { id: 'b' }, { id: 'c' }], page, (r) => [r.id], 3);
    expect(connection.edges.map((e) => e.node.id)).toEqual(['a', 'b']);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(connection.pageInfo.endCursor!)).toEqual(['b']);
  });
});

describe('maskError', () => {
  it('passes typed errors and hides everything else', () => {
    expect(maskError({ message: 'name must not be empty', extensions: { code: 'BAD_USER_INPUT', field: 'name' } }, null))
      .toEqual({ message: 'name must not be empty', extensions: { code: 'BAD_USER_INPUT', field: 'name' } });
    const masked = maskError({ message: 'relation "contacts.x" does not exist', extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at …'] } }, new Error('sql'));
    expect(masked).toEqual({ message: 'Internal server error', locations: undefined, path: undefined, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
