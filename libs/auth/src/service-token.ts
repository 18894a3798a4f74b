import { SignJWT, errors, jwtVerify } from 'jose';
import { envString } from '@crm/runtime';
import { InvalidTokenError, JWT_ISSUER } from './jwt';
import { VerifiedTokens } from './verified-tokens';

/**
 * Service tokens: how the gateway (and other internal callers) authenticate to a subgraph
 * when there is no user — readiness probes, composition checks, and forwarding the few
 * public operations (login, refresh, logout). They are a different kind of token from a
 * user's: their own secret (`SERVICE_JWT_SECRET`), their own audience (`crm-internal`) and a
 * `svc` claim naming the caller, so a user token can never pass as one and vice versa.
 * Carried in the `x-service-authorization: Bearer <jwt>` header; a service token gives no user.
 */
export const SERVICE_AUDIENCE = 'crm-internal';
export const SERVICE_TOKEN_HEADER = 'x-service-authorization';
export const SERVICE_NAMES = ['gateway', 'cli', 'test'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceIdentity {
  svc: ServiceName;
}

function serviceSecretText(): string {
  return envString('SERVICE_JWT_SECRET', 'dev-only-service-secret-change-me-in-production');
}

function serviceSecret(text = serviceSecretText()): Uint8Array {
  return new TextEncoder().encode(text);
}

const verified = new VerifiedTokens<ServiceIdentity>(100);

/** `expiresIn`: a time span such as `5m`. */
export async function signServiceToken(svc: ServiceName, expiresIn = '5m'): Promise<string> {
  return new SignJWT({ svc })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(`service:${svc}`)
    .setIssuer(JWT_ISSUER)
    .setAudience(SERVICE_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(serviceSecret());
}

export async function verifyServiceToken(token: string): Promise<ServiceIdentity> {
  const key = serviceSecretText();
  const known = verified.get(token, key, Date.now() / 1000);
  if (known) return { ...known };
  let payload;
  try {
    ({ payload } = await jwtVerify(token, serviceSecret(key), {
      issuer: JWT_ISSUER,
      audience: SERVICE_AUDIENCE,
      algorithms: ['HS256'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new InvalidTokenError('service token expired');
    if (error instanceof errors.JWTClaimValidationFailed) throw new InvalidTokenError(`service token ${error.claim} invalid`);
    throw new InvalidTokenError('service token invalid');
  }
  const { svc, exp } = payload as Record<string, unknown>;
  if (typeof svc !== 'string' || !(SERVICE_NAMES as readonly string[]).includes(svc)) {
    throw new InvalidTokenError('service token claims invalid');
  }
  if (typeof exp === 'number') verified.set(token, key, exp, { svc: svc as ServiceName });
  return { svc: svc as ServiceName };
}

/**
 * A service token the caller can keep: minted on first use and again shortly before it expires.
 */
export class ServiceTokenSource {
  private cached: { token: string; renewAt: number } | undefined;

  constructor(
    private readonly svc: ServiceName,
    private readonly lifetimeSeconds = 300,
  ) {}

  async token(): Promise<string> {
    const now = Date.now();
    if (!this.cached || now >= this.cached.renewAt) {
      const token = await signServiceToken(this.svc, `${this.lifetimeSeconds}s`);
      this.cached = { token, renewAt: now + (this.lifetimeSeconds * 1000) / 2 };
    }
    return this.cached.token;
  }
}

/** In production, a warning when a token secret is still its development default (or both are the same). */
export function insecureSecretsWarning(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env['NODE_ENV'] !== 'production') return null;
  const user = env['JWT_SECRET'] ?? '';
  const service = env['SERVICE_JWT_SECRET'] ?? '';
  if (user === '' || user.startsWith('dev-only-') || service === '' || service.startsWith('dev-only-')) {
    return 'JWT_SECRET and SERVICE_JWT_SECRET must be set to secrets of your own in production';
  }
  if (user === service) return 'JWT_SECRET and SERVICE_JWT_SECRET must differ';
  return null;
}
