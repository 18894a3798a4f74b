import { hashPassword, needsRehash, passwordProblem, verifyPassword } from './user-password';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('passwords (scrypt)', () => {
  it('hashes with a fresh salt and records the parameters; verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery staple', FAST);
    const b = await hashPassword('correct horse battery staple', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
    expect(await verifyPassword('anything', 'plain-text-password')).toBe(false);
  });

  it('treats canonically equal Unicode the same (NFKC)', async () => {
    const hash = await hashPassword('ｐａｓｓｗｏｒｄ-１２３４', FAST);
    expect(await verifyPassword('password-1234', hash)).toBe(true);
  });

  it('asks for a rehash when the parameters were weaker than today’s', async () => {
    expect(needsRehash(await hashPassword('x'.repeat(12), FAST))).toBe(true);
    expect(needsRehash('scrypt$32768$8$3$AAAA$BBBB')).toBe(false);
    expect(needsRehash('garbage')).toBe(true);
  });

  it('wants at least 10 characters', () => {
    expect(passwordProblem('123456789')).toMatch(/at least 10/);
    expect(passwordProblem(' '.repeat(12))).toMatch(/blank/);
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most/);
    expect(passwordProblem('long enough pass')).toBeNull();
  });
});
