import { isUuid, uuidv7 } from './ids';

describe('uuidv7', () => {
  it('is a version-7 RFC 9562 UUID carrying the millisecond time', () => {
    const id = uuidv7(Date.UTC(2026, 10, 23, 8, 0, 0));
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 23, 8, 0, 0));
  });

  it('is strictly increasing within one millisecond and across them', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7(1_800_000_000_000));
    ids.push(uuidv7(1_800_000_000_001 + 5));
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws fresh random bits for every id, across refills of its entropy block', () => {
    const tails = Array.from({ length: 2000 }, (_, i) => uuidv7(1_900_000_000_000 + i).slice(19));
    expect(new Set(tails).size).toBe(tails.length);
  });
});
