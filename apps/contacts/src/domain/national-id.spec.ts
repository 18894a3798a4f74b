import { nationalIdDetails, validateNationalId } from './national-id';

describe('Indonesian national id (NIK / KTP)', () => {
  const today = new Date('2026-11-23T00:00:00Z');

  it.each([
    // From the dealer's lead screens (seed 002).
    ['6472020504010003', { provinceName: 'Kalimantan Timur', gender: 'male', birthDate: '2001-04-05', regencyCode: '6472' }],
    ['7108060112910001', { provinceName: 'Sulawesi Utara', gender: 'male', birthDate: '1991-12-01' }],
    ['3204070805960001', { provinceName: 'Jawa Barat', gender: 'male', birthDate: '1996-05-08' }],
    ['1771035102780004', { provinceName: 'Bengkulu', gender: 'female', birthDate: '1978-02-11' }],
  ])('accepts %s and reads it', (nik, details) => {
    expect(validateNationalId(nik)).toEqual({ ok: true, value: nik });
    expect(nationalIdDetails(nik, today)).toMatchObject(details);
  });

  it('removes the spaces, dots and hyphens people type', () => {
    expect(validateNationalId(' 6472 0205 0401 0003 ')).toEqual({ ok: true, value: '6472020504010003' });
    expect(validateNationalId('64.7202.050401.0003')).toEqual({ ok: true, value: '6472020504010003' });
    expect(validateNationalId('  ')).toEqual({ ok: true, value: null });
  });

  it('takes 29 February and women’s days (+40)', () => {
    expect(validateNationalId('3204076902960001').ok).toBe(true); // 29-02-96, female
    expect(nationalIdDetails('3204076902960001', today)).toMatchObject({ gender: 'female', birthDate: '1996-02-29' });
  });

  it.each([
    ['0', '16 digits'],
    ['647202050401000', '16 digits'],
    ['64720205040100031', '16 digits'],
    ['6472O20504010003', '16 digits'],
    ['9972020504010003', 'province'],
    ['6400020504010003', 'regency'],
    ['6472000504010003', 'district'],
    ['6472023204010003', 'birth day'],
    ['6472027204010003', 'birth day'],
    ['6472020013010003', 'birth month'],
    ['6472023102010003', 'birth day'], // 31 February
    ['6472020504010000', 'serial'],
  ])('refuses %s (%s)', (nik, reason) => {
    const result = validateNationalId(nik);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(reason);
  });
});
