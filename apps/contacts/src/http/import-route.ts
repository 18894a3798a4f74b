import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, pipeline, type TransformCallback } from 'node:stream';
import { GraphQLError } from 'graphql';
import { SERVICE_TOKEN_HEADER, authFromHeader, requireRole, serviceFromHeader, type AuthUser } from '@crm/auth';
import type { Logger } from '@crm/runtime';
import { envInt } from '@crm/runtime';
import { traceparentOf, type DeniedAttemptRecorder, type HttpRoute } from '@crm/service';
import type { ImportService } from '../services/import-service';

export const IMPORT_ROUTE = '/imports/contacts';

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400, PAYLOAD_TOO_LARGE: 413 };

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function refuse(res: ServerResponse, code: string, message: string, extensions: Record<string, unknown> = {}): void {
  answer(res, STATUS[code] ?? 400, { errors: [{ message, extensions: { code, ...extensions } }] });
}

/** Passes the body through, failing once it is larger than `limit` bytes (a Content-Length that lied). */
class SizeLimit extends Transform {
  private size = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) return done(new GraphQLError(`the file is larger than ${this.limit} bytes`, { extensions: { code: 'PAYLOAD_TOO_LARGE', limit: this.limit } }));
    done(null, chunk);
  }
}

/**
 * POST /imports/contacts[?dryRun=true] — the CSV file as the request body (text/csv, UTF-8), with
 * `Authorization: Bearer <token>`: the upload `importContacts(csv)` cannot be (a GraphQL request
 * is capped at BODY_LIMIT_BYTES, about 6,000 rows). The file is streamed into the same import as
 * the mutation and the CLI (rows in batches, every bad row reported, idempotent, events through
 * the outbox); the answer is the mutation's payload as JSON. No row cap: the size limit,
 * CONTACTS_UPLOAD_LIMIT_BYTES (default 1 GiB), only guards the server against a runaway request.
 */
/** The end client's address: the gateway's header when the gateway's service token vouches for it. */
async function clientIpOf(req: IncomingMessage): Promise<string | null> {
  const header = req.headers[SERVICE_TOKEN_HEADER];
  const service = await serviceFromHeader(typeof header === 'string' ? header : null).catch(() => null);
  const forwarded = req.headers['x-crm-client-ip'];
  return (service === 'gateway' && typeof forwarded === 'string' ? forwarded : null) ?? req.socket.remoteAddress ?? null;
}

export function importRoute(imports: ImportService, logger: Logger, deniedAttempts: DeniedAttemptRecorder): HttpRoute {
  const limit = envInt('CONTACTS_UPLOAD_LIMIT_BYTES', 1024 * 1024 * 1024);
  return {
    prefix: IMPORT_ROUTE,
    async handle(req: IncomingMessage, res: ServerResponse, url: URL) {
      if (url.pathname !== IMPORT_ROUTE) return refuse(res, 'NOT_FOUND', 'not found');
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return answer(res, 405, { errors: [{ message: 'POST the CSV file as the request body', extensions: { code: 'METHOD_NOT_ALLOWED' } }] });
      }
      if (/^multipart\//i.test(req.headers['content-type'] ?? '')) {
        return answer(res, 415, {
          errors: [{ message: 'send the CSV file itself as the request body (content-type text/csv), not a multipart form', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
        });
      }
      const dryRunParam = url.searchParams.get('dryRun');
      if (dryRunParam !== null && !['true', 'false', '1', '0'].includes(dryRunParam)) {
        return refuse(res, 'BAD_USER_INPUT', 'dryRun is true or false', { field: 'dryRun' });
      }
      let body: Transform | undefined;
      let user: AuthUser | null = null;
      try {
        ({ user } = await authFromHeader(req.headers['authorization']));
        requireRole({ user }, ['admin', 'user_all']);
        const importer = user!;
        // The size is checked before a row is written: rows are committed batch by batch, so a
        // file refused half-way would be half imported.
        if (req.headers['content-length'] === undefined) {
          return void answer(res, 411, { errors: [{ message: 'send the file with a Content-Length', extensions: { code: 'LENGTH_REQUIRED' } }] });
        }
        const declared = Number(req.headers['content-length']);
        if (declared > limit) throw new GraphQLError(`the file is larger than ${limit} bytes`, { extensions: { code: 'PAYLOAD_TOO_LARGE', limit } });
        const traceparent = traceparentOf(req);
        // pipeline: a client that goes away mid-upload ends the import with an error (no stream waits forever).
        body = pipeline(req, new SizeLimit(limit), () => undefined);
        const result = await imports.importStream(body, {
          user: importer,
          dryRun: dryRunParam === 'true' || dryRunParam === '1',
          ...(traceparent ? { traceparent } : {}),
        });
        logger.info({ rows: result.rows, created: result.created, updated: result.updated, failed: result.failed, dryRun: result.dryRun, userId: importer.id }, 'contacts uploaded');
        answer(res, 200, result);
      } catch (error) {
        // Whatever the client still sends is read and dropped, so that it gets to read the answer.
        (body ?? req).resume();
        const code = error instanceof GraphQLError ? error.extensions['code'] : undefined;
        if (typeof code === 'string' && code in STATUS) {
          if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') {
            // The administrators' audit of refused requests, as for GraphQL.
            deniedAttempts.record({ code, message: (error as Error).message, user, path: IMPORT_ROUTE, clientIp: await clientIpOf(req) });
          }
          const { code: _code, ...extensions } = (error as GraphQLError).extensions;
          return refuse(res, code, (error as Error).message, extensions);
        }
        logger.error({ err: error }, 'contacts upload failed');
        if (!res.headersSent) answer(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        else res.end();
      }
    },
  };
}
