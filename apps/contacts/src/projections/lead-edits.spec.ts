import { customerPatch } from './lead-edits';

describe('lead edits → customer master', () => {
  it('takes e-mail, phone and the master’s keys of properties that changed', () => {
    expect(
      customerPatch({
        state: { id: 'o1', customerId: 'c1' },
        changes: {
          email: { from: null, to: ' budi@example.co.id ' },
          phone: { from: '0', to: '0852 9423 3849' },
          name: { from: 'a', to: 'b' },
          properties: { from: { ktp: '0', followUp1: '2020-07-09' }, to: { ktp: '3258901108930008', street: 'JL. TIRTA AYU', followUp1: '2020-07-10' } },
        },
      }),
    ).toEqual({ email: 'budi@example.co.id', phone: '0852 9423 3849', nationalId: '3258901108930008', street: 'JL. TIRTA AYU' });
  });

  it('never clears the master with an emptied lead field', () => {
    expect(customerPatch({ state: { id: 'o1', customerId: 'c1' }, changes: { email: { from: 'a@b.co', to: null }, phone: { from: '1', to: ' ' } } })).toEqual({});
  });
});
