import { detectDelimiter, mapColumns, parseKind, splitTags } from './csv-columns';

describe('CSV columns', () => {
  it('maps English, Odoo and the dealer’s Indonesian headers', () => {
    const map = mapColumns(['Customer Code', 'Nama', 'No KTP', 'Pekerjaan', 'No HP', 'Email', 'Branch', 'Engine No', 'email']);
    expect(map.fields).toEqual(['code', 'name', 'nationalId', 'occupation', 'mobile', 'email', 'branchId', null, null]);
    expect(map.headers.nationalId).toBe('No KTP');
    expect(map.ignored).toEqual(['Engine No']);
    expect(map.duplicates).toEqual(['email']);
  });

  it('detects the delimiter from the header line', () => {
    expect(detectDelimiter('name,email,phone')).toBe(',');
    expect(detectDelimiter('name;email;tags')).toBe(';');
    expect(detectDelimiter('name\temail')).toBe('\t');
    expect(detectDelimiter('name')).toBe(',');
  });

  it('reads kinds and tag lists', () => {
    expect(parseKind('TRUE')).toBe('company');
    expect(parseKind('Perorangan')).toBe('person');
    expect(parseKind('robot')).toBe('robot');
    expect(splitTags(' VIP; KPB ,,Fleet')).toEqual(['VIP', 'KPB', 'Fleet']);
  });
});
