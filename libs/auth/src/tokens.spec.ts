import { SignJWT } from 'jose';
import { GraphQLError } from 'graphql';
import type { AuthUser } from './claims';
import { authFromHeader, requireAdmin, requireSession, requireUser } from './context';
import { signAccessToken, verifyAccessToken, JWT_AUDIENCE, JWT_ISSUER } from './jwt';
import { VerifiedTokens } from './verified-tokens';
import { ServiceTokenSource, insecureSecretsWarning, signServiceToken, verifyServiceToken } from './service-token';

const user: AuthUser = { id: '01934d6e-0000-7000-8000-0000000000a1', role: 'user_own', branchIds: ['SAM01'], teamIds: [], tz: 'Asia/Jakarta' };
const secret = new TextEncoder().encode('dev-only-secret-change-me-in-production-32b');

function sign(claims: Record<string, unknown>, audience = JWT_AUDIENCE, exp: string | number = '5m') {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setIssuer(JWT_ISSUER).setAudience(audience).setIssuedAt().setExpirationTime(exp).sign(secret);
}

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return `${(error as GraphQLError).extensions['code']}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('access tokens', () => {
  it('round-trip the claims', async () => {
    expect(await verifyAccessToken(await signAccessToken(user))).toEqual(user);
  });

  it('refuse tampered, expired, wrong-audience and service tokens', async () => {
    const token = await signAccessToken(user);
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' })).toString('base64url');
    expect(await codeOf(async () => authFromHeader(`Bearer ${header}.${forged}.${signature}`))).toBe('UNAUTHENTICATED: token invalid');
    expect(await codeOf(async () => authFromHeader(`Bearer ${await sign({ role: 'admin', branchIds: [], teamIds: [] }, JWT_AUDIENCE, Math.floor(Date.now() / 1000) - 60)}`))).toBe(
      'UNAUTHENTICATED: token expired',
    );
    expect(await codeOf(async () => authFromHeader(`Bearer ${await sign({ role: 'admin', branchIds: [], teamIds: [] }, 'another-api')}`))).toBe(
      'UNAUTHENTICATED: token aud invalid',
    );
    expect(await codeOf(async () => authFromHeader(`Bearer ${await signServiceToken('gateway')}`))).toBe('UNAUTHENTICATED: token invalid');
    expect(await codeOf(async () => authFromHeader(`Bearer ${await sign({ role: 'root', branchIds: [], teamIds: [] })}`))).toBe('UNAUTHENTICATED: token claims invalid');
    expect(await codeOf(async () => authFromHeader('Basic abc'))).toMatch(/^UNAUTHENTICATED/);
  });
});

describe('verified tokens are remembered only while valid', () => {
  afterEach(() => {
    delete process.env['JWT_SECRET'];
  });

  it('a remembered token still expires at its exp', async () => {
    const token = await sign({ role: 'user_own', branchIds: [], teamIds: [] }, JWT_AUDIENCE, Math.floor(Date.now() / 1000) + 2);
    expect((await verifyAccessToken(token)).role).toBe('user_own');
    expect((await verifyAccessToken(token)).role).toBe('user_own');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await codeOf(async () => authFromHeader(`Bearer ${token}`))).toBe('UNAUTHENTICATED: token expired');
  });

  it('a token remembered under one secret is verified again under another', async () => {
    const token = await signAccessToken(user);
    expect(await verifyAccessToken(token)).toEqual(user);
    process.env['JWT_SECRET'] = 'a-rotated-secret-of-at-least-thirty-two-chars';
    expect(await codeOf(async () => authFromHeader(`Bearer ${token}`))).toBe('UNAUTHENTICATED: token invalid');
  });

  it('callers cannot change what is remembered', async () => {
    const token = await signAccessToken(user);
    const first = await verifyAccessToken(token);
    first.branchIds.push('FOREIGN');
    first.role = 'admin';
    expect(await verifyAccessToken(token)).toEqual(user);
  });

  it('keeps at most its capacity, the oldest going first', () => {
    const cache = new VerifiedTokens<number>(2);
    cache.set('a', 's', 100, 1);
    cache.set('b', 's', 100, 2);
    cache.set('c', 's', 100, 3);
    expect([cache.get('a', 's', 50), cache.get('b', 's', 50), cache.get('c', 's', 50)]).toEqual([undefined, 2, 3]);
    expect(cache.get('b', 'other', 50)).toBeUndefined();
    expect(cache.get('c', 's', 100)).toBeUndefined();
  });
});

describe('service tokens', () => {
  it('verify with their own audience and secret, and never as a user token', async () => {
    expect(await verifyServiceToken(await signServiceToken('gateway'))).toEqual({ svc: 'gateway' });
    await expect(verifyServiceToken(await signAccessToken(user))).rejects.toThrow('service token invalid');
    const source = new ServiceTokenSource('gateway');
    expect(await source.token()).toBe(await source.token());
  });

  it('warns in production while a secret is the development default or both are equal', () => {
    expect(insecureSecretsWarning({ NODE_ENV: 'development' })).toBeNull();
    expect(insecureSecretsWarning({ NODE_ENV: 'production' })).toMatch(/must be set/);
    expect(insecureSecretsWarning({ NODE_ENV: 'production', JWT_SECRET: 'dev-only-x', SERVICE_JWT_SECRET: 'b'.repeat(32) })).toMatch(/must be set/);
    expect(insecureSecretsWarning({ NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(32), SERVICE_JWT_SECRET: 'a'.repeat(32) })).toMatch(/differ/);
    expect(insecureSecretsWarning({ NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(32), SERVICE_JWT_SECRET: 'b'.repeat(32) })).toBeNull();
  });
});

describe('guards', () => {
  it('requireUser refuses anonymous (UNAUTHENTICATED) and access group none (FORBIDDEN); requireSession admits none', async () => {
    expect(await codeOf(async () => requireUser({ user: null }))).toMatch(/^UNAUTHENTICATED/);
    expect(await codeOf(async () => requireUser({ user: { ...user, role: 'none' } }))).toMatch(/^FORBIDDEN/);
    expect(requireSession({ user: { ...user, role: 'none' } }).role).toBe('none');
    expect(await codeOf(async () => requireAdmin({ user: { ...user, role: 'user_all' } }))).toMatch(/^FORBIDDEN/);
    expect(requireAdmin({ user: { ...user, role: 'admin' } }).role).toBe('admin');
  });
});
