import type { DemoStep } from '../step';

/** Dealer branches of seed 002 (codes as on the lead screens), with their time zones. */
const BRANCHES: [id: string, name: string, timeZone: string][] = [
  ['SAM01', 'SAMARINDA', 'Asia/Makassar'],
  ['MAN01', 'MANADO', 'Asia/Makassar'],
  ['GOW01', 'GOWA', 'Asia/Makassar'],
  ['BEN01', 'BENGKULU', 'Asia/Jakarta'],
  ['SUM01', 'JATINANGOR', 'Asia/Jakarta'],
  ['IND01', 'INDRAMAYU', 'Asia/Jakarta'],
  ['BNK01', 'PANGKAL PINANG', 'Asia/Jakarta'],
  ['MSE01', 'MENGGALA', 'Asia/Jakarta'],
  ['BAN04', 'SOEKARNO HATTA', 'Asia/Jakarta'],
  ['BAN05', 'SOREANG', 'Asia/Jakarta'],
  ['A-BAN04', 'A KARAWITAN', 'Asia/Jakarta'],
  ['A-BAN08', 'A TANJUNG LAYA', 'Asia/Jakarta'],
];

const TAGS: [key: string, name: string, color: string][] = [
  ['vip', 'VIP', '#e91e63'],
  ['kpb', 'KPB', '#2196f3'],
  ['regular', 'Reguler', '#4caf50'],
  ['fleet', 'Fleet', '#ff9800'],
  ['retail', 'Perakende', '#9c27b0'],
];

const CREATE = `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }`;

export const contactsStep: DemoStep = {
  name: 'contacts',
  async run({ api, ids }) {
    for (const [id, name, timeZone] of BRANCHES) {
      await api.data(`mutation($input: CreateBranchInput!) { createBranch(input: $input) { branch { id } } }`, {
        input: { id, name, countryCode: 'ID', timeZone, workshopOpensAt: '08:00', workshopClosesAt: '16:00' },
      });
      ids[`branch.${id}`] = id;
    }
    for (const [key, name, color] of TAGS) {
      const created = await api.data(`mutation($input: CreateTagInput!) { createTag(input: $input) { tag { id } } }`, { input: { name, color } });
      ids[`tag.${key}`] = created.createTag.tag.id;
    }
    const occupations = await api.data(`{ occupations(first: 100) { edges { node { id name } } } }`);
    const occupation = (name: string) => occupations.occupations.edges.find((e: { node: { name: string } }) => e.node.name === name)?.node.id;

    const contacts: [key: string, input: Record<string, unknown>][] = [
      ['avengers', { name: 'PT Avengers Initiative', kind: 'COMPANY', email: 'procurement@avengers.co.id', phone: '021 5790 0000', street: 'Jl. Jend. Sudirman Kav. 52', city: 'Jakarta Selatan', zip: '12190', countryCode: 'ID', website: 'avengers.co.id', tagIds: [ids['tag.vip']] }],
      ['daya', { name: 'PT Daya Motor Indonesia', kind: 'COMPANY', email: 'crm@dayamotor.co.id', city: 'Bandung', countryCode: 'ID', tagIds: [ids['tag.fleet']] }],
      ['pangestu', { name: 'PANGESTU,', email: 'budi.pangestu@example.co.id', branchId: 'A-BAN04', code: 'BPA/2004/1720353', nationalId: '3258901108930008', occupationId: occupation('Karyawan Swasta'), state: 'Jawa Barat', countryCode: 'ID', tagIds: [ids['tag.regular']] }],
      ['restu', { name: 'RESTU ANDIKA PRADANA PUTRA', branchId: 'SAM01', salespersonId: ids['user.sam01.sales'], code: 'BPA/1912/1553856', nationalId: '6472020504010003', mobile: '085845164510', occupationId: occupation('Mahasiswa/Pelajar'), street: 'JL.CIPTO MANGUNKUSUMO', state: 'Kalimantan Timur', countryCode: 'ID', tagIds: [ids['tag.kpb']] }],
      ['fenti', { name: 'FENTI ZUMARNI', branchId: 'BEN01', code: 'BPA/2003/1687405', nationalId: '1771035102780004', mobile: '085268550800', occupationId: occupation('Karyawan Swasta'), state: 'Bengkulu', countryCode: 'ID', tagIds: [ids['tag.kpb']] }],
      ['sultje', { name: 'SULTJE ADOLONG', branchId: 'MAN01', salespersonId: ids['user.man01.sales'], mobile: '082187479254', occupationId: occupation('Wiraswasta/Pedagang'), state: 'Sulawesi Utara', countryCode: 'ID', tagIds: [ids['tag.kpb']] }],
      ['kosim', { name: 'M. KOSIM', branchId: 'A-BAN08', code: 'BPA/2004/1720629', occupationId: occupation('Karyawan Swasta'), state: 'Jawa Barat', countryCode: 'ID' }],
    ];
    for (const [key, input] of contacts) {
      const created = await api.data(CREATE, { input });
      ids[`contact.${key}`] = created.createContact.contact.id;
    }
    // People and addresses of the company: Pepper Potts works for PT Avengers Initiative.
    const pepper = await api.data(CREATE, {
      input: { name: 'Pepper Potts', kind: 'PERSON', parentId: ids['contact.avengers'], email: 'pepper.potts@avengers.co.id', mobile: '0812 3456 7890', jobPosition: 'CEO', title: 'Ms.' },
    });
    ids['contact.pepper'] = pepper.createContact.contact.id;
    const invoice = await api.data(CREATE, {
      input: { name: 'Accounts Payable', parentId: ids['contact.avengers'], addressType: 'INVOICE', email: 'ap@avengers.co.id', street: 'Jl. Jend. Sudirman Kav. 52', city: 'Jakarta Selatan', zip: '12190', countryCode: 'ID' },
    });
    ids['contact.avengers.invoice'] = invoice.createContact.contact.id;
  },
};
