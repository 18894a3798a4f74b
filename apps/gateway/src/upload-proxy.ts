import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';
import { SERVICE_TOKEN_HEADER, authFromHeader, type ServiceTokenSource } from '@crm/auth';
import type { Logger } from '@crm/runtime';
import { childTraceparent, traceparentOf, type HttpRoute } from '@crm/service';

/** File uploads the gateway passes to a subgraph's HTTP route (GraphQL requests are size-capped). */
export const UPLOAD_ROUTES = [{ path: '/imports/contacts', subgraph: 'contacts' }] as const;

/** The routing URL of a subgraph as the supergraph names it (`@join__graph(name: "contacts", url: …)`). */
export function routingUrlOf(supergraphSdl: string, name: string): string | undefined {
  const match = new RegExp(`@join__graph\\(name: "${name}", url: "([^"]+)"\\)`).exec(supergraphSdl);
  return match?.[1];
}

function answer(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

export interface UploadProxyOptions {
  path: string;
  /** The subgraph's GraphQL URL; the upload goes to the same origin, same path. */
  subgraphUrl: string;
  serviceToken: ServiceTokenSource;
  clientIp: (req: IncomingMessage) => string;
  /** A refused token, for the audit of denied attempts. */
  onUnauthenticated: (req: IncomingMessage, message: string) => void;
  timeoutMs: number;
  logger: Logger;
  /** The gateway's rate limiter, counting uploads like GraphQL requests (per user). */
  admit?: (key: string) => { allowed: boolean; retryAfterSeconds: number };
}

/**
 * Streams an upload through to the subgraph that owns it, as the GraphQL requests go: the
 * caller's token checked here and forwarded (the subgraph checks it again and enforces its
 * rules), the gateway's service token, trace context and the client's address added. The body
 * is never buffered, so no request size limit applies; the subgraph sets its own.
 */
export function uploadProxyRoute(options: UploadProxyOptions): HttpRoute {
  const target = new URL(options.path, options.subgraphUrl);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return {
    prefix: options.path,
    async handle(req, res, url) {
      if (url.pathname !== options.path) return answer(res, 404, 'NOT_FOUND', 'not found');
      let user;
      try {
        ({ user } = await authFromHeader(req.headers['authorization']));
      } catch (error) {
        options.onUnauthenticated(req, (error as Error).message);
        return answer(res, 401, 'UNAUTHENTICATED', (error as Error).message);
      }
      if (!user) return answer(res, 401, 'UNAUTHENTICATED', 'a bearer token is required');
      const decision = options.admit?.(`user:${user.id}`);
      if (decision && !decision.allowed) {
        res.setHeader('retry-after', String(decision.retryAfterSeconds));
        res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        return void res.end(
          JSON.stringify({
            errors: [{ message: `too many requests: try again in ${decision.retryAfterSeconds} s`, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: decision.retryAfterSeconds } }],
          }),
        );
      }
      const headers: Record<string, string> = {
        authorization: req.headers['authorization']!,
        [SERVICE_TOKEN_HEADER]: `Bearer ${await options.serviceToken.token()}`,
        traceparent: childTraceparent(traceparentOf(req)),
        'x-crm-client-ip': options.clientIp(req),
      };
      for (const name of ['content-type', 'content-length', 'transfer-encoding', 'user-agent'] as const) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name === 'user-agent' ? 'x-crm-user-agent' : name] = value;
      }
      await new Promise<void>((resolve) => {
        const upstream = send(
          { protocol: target.protocol, hostname: target.hostname, port: target.port, path: `${target.pathname}${url.search}`, method: req.method, headers, timeout: options.timeoutMs },
          (response) => {
            res.writeHead(response.statusCode ?? 502, {
              'content-type': response.headers['content-type'] ?? 'application/json; charset=utf-8',
              'cache-control': 'no-store',
              ...(response.headers['allow'] ? { allow: response.headers['allow'] } : {}),
            });
            pipeline(response, res, () => resolve());
          },
        );
        upstream.on('timeout', () => upstream.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
        upstream.on('error', (error) => {
          options.logger.error({ err: error, path: options.path }, 'upload proxy failed');
          if (!res.headersSent) answer(res, 502, 'BAD_GATEWAY', 'the service behind the upload did not answer');
          else res.end();
          resolve();
        });
        // A client that goes away mid-upload aborts the request to the subgraph too.
        pipeline(req, upstream, (error) => {
          if (error) upstream.destroy(error);
        });
      });
    },
  };
}
