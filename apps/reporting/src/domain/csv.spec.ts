import { csvField, csvLine, neutraliseFormula } from './csv';

describe('CSV fields', () => {
  it('quotes separators, quotes, line breaks and edge spaces', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvLine(['PANGESTU, Budi', 'SAM01', null])).toBe('"PANGESTU, Budi",SAM01,\r\n');
  });

  it('neutralises formulas but keeps phone numbers and negative amounts', () => {
    expect(neutraliseFormula('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(neutraliseFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutraliseFormula('+cmd')).toBe("'+cmd");
    expect(neutraliseFormula('+62 812 3456')).toBe('+62 812 3456');
    expect(neutraliseFormula('-1500.50')).toBe('-1500.50');
    expect(neutraliseFormula('- note')).toBe("'- note");
  });
});
