import { SignJWT } from 'jose';
import { GraphQLError } from 'graphql';
import type { AuthUser } from './claims';
import { authFromHeader, requireAdmin, requireSession, requireUser } from './context';
import { signAccessToken, verifyAccessToken, JWT_AUDIENCE, JWT_ISSUER } from './jwt';
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
