import { EMPTY_CONTACT, type ContactFields } from './contact-input';
import { planMerge } from './merge-plan';

const contact = (fields: Partial<ContactFields>): ContactFields => ({ ...EMPTY_CONTACT, name: 'x', ...fields });

describe('merge plan', () => {
  it('keeps the target’s values, fills the empty ones in source order, combines tags and notes', () => {
    const target = contact({ name: 'PANGESTU,', email: 'budi@example.co.id', tagIds: ['t1'], notes: 'KPB 1 done' });
    const plan = planMerge(target, [
      { id: 's1', name: 'Budi Pangestu', code: 'BPA/2004/1720353', fields: contact({ email: 'other@example.co.id', mobile: '+6285294233849', mobileEntered: '0852 9423 3849', tagIds: ['t2'], notes: 'Prefers WhatsApp' }) },
      { id: 's2', name: 'B. Pangestu', code: null, fields: contact({ mobile: '+628111111111', nationalId: '3258901108930008', tagIds: ['t1'], notes: 'KPB 1 done' }) },
    ]);
    expect(plan.after).toMatchObject({
      name: 'PANGESTU,',
      email: 'budi@example.co.id',
      mobile: '+6285294233849',
      mobileEntered: '0852 9423 3849',
      nationalId: '3258901108930008',
      tagIds: ['t1', 't2'],
      notes: 'KPB 1 done\n\n[Budi Pangestu BPA/2004/1720353]\nPrefers WhatsApp',
      code: 'BPA/2004/1720353',
    });
    expect(plan.codeFrom).toBe('s1');
    expect(plan.filledFields.sort()).toEqual(['code', 'mobile', 'nationalId', 'notes', 'tagIds']);
  });

  it('changes nothing when the sources add nothing', () => {
    const target = contact({ code: 'BPA/2004/1', email: 'a@b.co' });
    const plan = planMerge(target, [{ id: 's', name: 's', code: 'BPA/2004/2', fields: contact({ email: 'c@d.co' }) }]);
    expect(plan.filledFields).toEqual([]);
    expect(plan.after).toEqual(target);
    expect(plan.codeFrom).toBeNull();
  });
});
