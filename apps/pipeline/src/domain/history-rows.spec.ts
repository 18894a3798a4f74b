import { mapHistoryColumns, missingColumn, parseHistoryRow } from './history-rows';

describe('history rows', () => {
  const columns = mapHistoryColumns(['Kind', 'Cabang', 'Customer Code', 'No KTP', 'Nama', 'Engine No', 'Sales Date', 'Date Last Service', 'Type Last Service', 'Warna']);

  it('maps the lead form’s and Indonesian headers, and names the missing ones', () => {
    expect(columns.headers).toMatchObject({ kind: 'Kind', branch: 'Cabang', engineNumber: 'Engine No', serviceDate: 'Date Last Service', serviceType: 'Type Last Service' });
    expect(columns.ignored).toEqual(['Warna']);
    expect(missingColumn(columns)).toBeNull();
    expect(missingColumn(mapHistoryColumns(['Kind', 'Branch', 'Name']))).toBe('engineNumber');
    expect(missingColumn(mapHistoryColumns(['Kind', 'Branch', 'Engine No']))).toBe('salesDate');
  });

  it('parses a sales and a service row', () => {
    expect(parseHistoryRow(2, ['H1', 'sam01', 'bpa/1912/1553856', '', '', 'KT 2146 FK - KF41E1693525', '2019-12-04', '', '', 'x'], columns)).toMatchObject({
      line: 2, kind: 'sales', branchId: 'SAM01', customerCode: 'BPA/1912/1553856', engineNumber: 'KF41E1693525', date: '2019-12-04', salesDate: '2019-12-04', serviceType: null,
    });
    expect(parseHistoryRow(3, ['Servis', 'IND01', '', '3212-0111-0893-0008', 'URYANINGSIH', 'JFK1E1108328', '', '2020-05-02', 'REG'], columns)).toMatchObject({
      kind: 'service', date: '2020-05-02', nationalId: '3212011108930008', customerName: 'URYANINGSIH', serviceType: 'REG', salesDate: null,
    });
  });

  it('reports a bad row with the column as the file names it', () => {
    const bad = (cells: string[]) => parseHistoryRow(4, cells, columns);
    expect(bad(['RENTAL', 'SAM01', '', '', 'X', 'E1', '2020-01-01'])).toMatchObject({ line: 4, field: 'Kind', code: 'BAD_USER_INPUT' });
    expect(bad(['SALES', '', '', '', 'X', 'E1', '2020-01-01'])).toMatchObject({ field: 'Cabang' });
    expect(bad(['SALES', 'SAM 01', '', '', 'X', 'E1', '2020-01-01'])).toMatchObject({ field: 'Cabang' });
    expect(bad(['SALES', 'SAM01', '', '', 'X', '', '2020-01-01'])).toMatchObject({ field: 'Engine No' });
    expect(bad(['SALES', 'SAM01', '', '', 'X', 'E1', '01/31/2020'])).toMatchObject({ field: 'Sales Date', message: '"01/31/2020" is not a date YYYY-MM-DD' });
    expect(bad(['SERVICE', 'SAM01', '', '', 'X', 'E1', '', ''])).toMatchObject({ field: 'Date Last Service' });
    expect(bad(['SERVICE', 'SAM01', '', '', 'X', 'E1', '', '2020-01-01', 'KPB X'])).toMatchObject({ field: 'Type Last Service' });
    expect(bad(['SALES', 'SAM01', '', '', '', 'E1', '2020-01-01'])).toMatchObject({ field: 'Nama' });
  });
});
