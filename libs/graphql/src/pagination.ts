import { badInput } from './errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** A keyset position: the sort-key values of the last row, then its id. */
export type CursorKey = (string | number | null)[];

export interface Page {
  limit: number;
  after: CursorKey | null;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.every((v) => v === null || ['string', 'number'].includes(typeof v))) {
      return parsed as CursorKey;
    }
  } catch {
    // fall through
  }
  throw badInput('after', 'invalid cursor');
}

/** Validates `first` (1…100) and decodes `after`. */
export function parsePage(args: PageArgs): Page {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0) throw badInput('first', '`first` must be a non-negative integer');
  if (first > MAX_PAGE_SIZE) throw badInput('first', `\`first\` is capped at ${MAX_PAGE_SIZE}`);
  return { limit: first, after: args.after ? decodeCursor(args.after) : null };
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number | (() => Promise<number>);
}

/**
 * Builds a connection from rows fetched with `LIMIT page.limit + 1`: the extra row only
 * tells whether there is a next page. `totalCount` may be lazy so it is counted only when asked.
 */
export function toConnection<T>(
  rows: T[],
  page: Page,
  cursorOf: (row: T) => CursorKey,
  totalCount: number | (() => Promise<number>),
): Connection<T> {
  const hasNextPage = rows.length > page.limit;
  const nodes = hasNextPage ? rows.slice(0, page.limit) : rows;
  const edges = nodes.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount,
  };
}
