import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Registry } from 'prom-client';

export interface HealthCheck {
  name: string;
  check(): Promise<boolean>;
}

/** A route beside /graphql and /health (e.g. a file download), matched by path prefix. */
export interface HttpRoute {
  /** e.g. `/exports/`; matched with startsWith on the path. */
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

export interface HttpServerOptions<Ctx extends BaseContext> {
  apollo: ApolloServer<Ctx>;
  context: (req: IncomingMessage) => Promise<Ctx>;
  readiness: HealthCheck[];
  metrics: Registry;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  /** Most operations in one batched request (a JSON array body); more → 400 BATCH_LIMIT_EXCEEDED. */
  maxBatchSize?: number;
  onRequest?: (route: string, status: number, seconds: number) => void;
  /** Extra routes, tried after the built-in ones. */
  routes?: HttpRoute[];
}

export class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/**
 * A plain node:http server: `/graphql` through Apollo's executeHTTPGraphQLRequest, and
 * `/health/live`, `/health/ready`, `/metrics`. It counts requests in flight so shutdown can drain.
 */
export class HttpServer<Ctx extends BaseContext> {
  readonly server: Server;
  private inFlight = 0;
  private draining = false;
  private idle: (() => void) | undefined;

  constructor(private readonly options: HttpServerOptions<Ctx>) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  /** Stops accepting connections and waits (up to timeoutMs) for requests in flight. */
  async drain(timeoutMs = 10_000): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.idle = resolve)),
        new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    }
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://internal');
    let route = url.pathname;
    this.inFlight += 1;
    try {
      if (route === '/health/live') {
        sendJson(res, 200, { status: 'ok' });
      } else if (route === '/health/ready') {
        await this.ready(res);
      } else if (route === '/metrics') {
        res.writeHead(200, { 'content-type': this.options.metrics.contentType });
        res.end(await this.options.metrics.metrics());
      } else if (route === '/graphql' || route === '/') {
        await this.graphql(req, res, url);
      } else if (this.options.routes?.some((r) => route.startsWith(r.prefix))) {
        const extra = this.options.routes.find((r) => route.startsWith(r.prefix))!;
        route = extra.prefix;
        await extra.handle(req, res, url);
      } else {
        sendJson(res, 404, { error: 'not found' });
      }
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, {
          errors: [{ message: `request body larger than ${this.options.bodyLimit} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE', limit: this.options.bodyLimit } }],
        });
      } else if (!res.headersSent) {
        sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      } else {
        res.end();
      }
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0 && this.idle) this.idle();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.options.onRequest?.(route, res.statusCode, seconds);
    }
  }

  private async ready(res: ServerResponse): Promise<void> {
    if (this.draining) {
      sendJson(res, 503, { status: 'draining' });
      return;
    }
    const results = await Promise.all(
      this.options.readiness.map(async (c) => [c.name, await c.check().catch(() => false)] as const),
    );
    const ok = results.every(([, up]) => up);
    sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  }

  private async graphql(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const raw = await readBody(req, this.options.bodyLimit);
      if (raw.length > 0 && (headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = JSON.parse(raw);
        } catch {
          sendJson(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
          return;
        }
      } else {
        body = raw;
      }
    }
    const maxBatch = this.options.maxBatchSize;
    if (Array.isArray(body) && maxBatch !== undefined && body.length > maxBatch) {
      sendJson(res, 400, {
        errors: [
          {
            message: `${body.length} operations in one request exceed the limit of ${maxBatch}`,
            extensions: { code: 'BATCH_LIMIT_EXCEEDED', limit: maxBatch, actual: body.length },
          },
        ],
      });
      return;
    }
    const result = await this.options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => this.options.context(req),
    });
    for (const [name, value] of result.headers) res.setHeader(name, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }
}
