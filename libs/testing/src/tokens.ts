import { SERVICE_TOKEN_HEADER, signAccessToken, signServiceToken, type AuthUser, type Role } from '@crm/auth';
import { uuidv7 } from '@crm/runtime';

/** A signed access token for a test user (admin by default). */
export async function testToken(overrides: Partial<AuthUser> & { role?: Role } = {}, expiresIn: string | number = '1h'): Promise<string> {
  return signAccessToken(
    {
      id: overrides.id ?? uuidv7(),
      role: overrides.role ?? 'admin',
      branchIds: overrides.branchIds ?? [],
      teamIds: overrides.teamIds ?? [],
      tz: overrides.tz ?? 'Asia/Jakarta',
    },
    expiresIn,
  );
}

/** Headers that admit a request at a subgraph with a service token (as the gateway sends it). */
export async function serviceTokenHeaders(svc: 'gateway' | 'test' = 'test'): Promise<Record<string, string>> {
  return { [SERVICE_TOKEN_HEADER]: `Bearer ${await signServiceToken(svc)}` };
}
