import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature of a download link: HMAC-SHA256 over the export id and its expiry (epoch seconds). */
export function signExport(secret: string, id: string, expires: number): string {
  return createHmac('sha256', secret).update(`reporting-export:${id}:${expires}`).digest('base64url');
}

export type LinkCheck = 'ok' | 'bad-signature' | 'expired';

/** Checks a link's signature (in constant time) and then its expiry against `nowMs`. */
export function checkExportLink(secret: string, id: string, expires: string | null, signature: string | null, nowMs: number): LinkCheck {
  if (!expires || !signature || !/^\d{1,12}$/.test(expires)) return 'bad-signature';
  const expected = Buffer.from(signExport(secret, id, Number(expires)));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'bad-signature';
  return Number(expires) * 1000 < nowMs ? 'expired' : 'ok';
}
