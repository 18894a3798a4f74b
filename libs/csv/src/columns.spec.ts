import { Readable } from 'node:stream';
import { csvRecords, detectDelimiter, headerKey, importFilePath } from './index';

describe('csv', () => {
  it('keys headers and detects the delimiter from the header line', () => {
    expect(headerKey(' Engine No ')).toBe('engineno');
    expect(headerKey('Date_Last-Service')).toBe('datelastservice');
    expect(detectDelimiter('a;b;c,d')).toBe(';');
    expect(detectDelimiter('a')).toBe(',');
  });

  it('streams records with the line each starts on (quoted cells across lines, empty lines skipped)', async () => {
    const out: { line: number; cells: string[] }[] = [];
    for await (const r of csvRecords(Readable.from(['\uFEFFa;b\n1;"x\ny"\n\n2;z\n']))) out.push(r);
    expect(out).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', 'x\ny'] },
      { line: 5, cells: ['2', 'z'] },
    ]);
  });

  it('refuses files outside the import directory', () => {
    expect(() => importFilePath(__dirname, '../package.json')).toThrow(/outside the import directory/);
    expect(() => importFilePath(__dirname, 'nope.csv', 'file')).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'file' } }));
    expect(importFilePath(__dirname, 'index.ts')).toBe(`${__dirname}/index.ts`);
  });
});
