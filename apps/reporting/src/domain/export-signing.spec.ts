import { checkExportLink, signExport } from './export-signing';

describe('signed export links', () => {
  const secret = 'test-secret';
  const id = '01934d6e-0000-7000-8000-000000000001';
  const expires = 1_800_000_000;
  const signature = signExport(secret, id, expires);

  it('accepts the link before it expires and refuses it after', () => {
    expect(checkExportLink(secret, id, String(expires), signature, expires * 1000 - 1)).toBe('ok');
    expect(checkExportLink(secret, id, String(expires), signature, expires * 1000 + 1)).toBe('expired');
  });

  it('refuses another id, another expiry, another secret or no signature', () => {
    expect(checkExportLink(secret, '01934d6e-0000-7000-8000-000000000002', String(expires), signature, 0)).toBe('bad-signature');
    expect(checkExportLink(secret, id, String(expires + 3600), signature, 0)).toBe('bad-signature');
    expect(checkExportLink('other', id, String(expires), signature, 0)).toBe('bad-signature');
    expect(checkExportLink(secret, id, String(expires), null, 0)).toBe('bad-signature');
    expect(checkExportLink(secret, id, 'soon', signature, 0)).toBe('bad-signature');
  });
});
