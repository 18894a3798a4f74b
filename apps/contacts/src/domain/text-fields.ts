import { badInput } from '@crm/graphql';

/** Trims; empty → null; refuses text longer than `max`. */
export function optionalText(field: string, raw: string | null | undefined, max = 500): string | null {
  if (raw === null || raw === undefined) return null;
  const value = raw.trim();
  if (value === '') return null;
  if (value.length > max) throw badInput(field, `${field} is longer than ${max} characters`);
  return value;
}

/** Like optionalText, but keeps inner line breaks (notes). */
export function optionalNotes(field: string, raw: string | null | undefined, max = 20_000): string | null {
  return optionalText(field, raw?.replace(/\r\n/g, '\n'), max);
}

const HANDLE_HOSTS = /^(?:https?:\/\/)?(?:www\.|m\.)?(?:instagram\.com|facebook\.com|fb\.com|twitter\.com|x\.com)\/+/i;

/** A social handle from "@budi", "budi" or "https://instagram.com/budi/" → "budi". */
export function socialHandle(field: string, raw: string | null | undefined): string | null {
  const text = optionalText(field, raw, 200);
  if (text === null) return null;
  const handle = text.replace(HANDLE_HOSTS, '').replace(/^@/, '').replace(/[/?#].*$/, '');
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(handle)) throw badInput(field, `"${text}" is not a ${field} handle`);
  return handle;
}

/** A website: adds https:// when no scheme is given; must be http(s) with a dotted host. */
export function website(field: string, raw: string | null | undefined): string | null {
  const text = optionalText(field, raw, 500);
  if (text === null) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw badInput(field, `"${text}" is not a web address`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || !/^[^.\s]+(\.[^.\s]+)+$/.test(url.hostname)) {
    throw badInput(field, `"${text}" is not a web address`);
  }
  return withScheme;
}
