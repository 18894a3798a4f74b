import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SERVICE_TOKEN_HEADER, ServiceTokenSource, authFromHeader, insecureSecretsWarning, type AuthUser } from '@crm/auth';
import { accessTopicOf, toKafkaRecord, validateEvent, type CloudEvent } from '@crm/events';
import { maskError } from '@crm/graphql';
import { createKafka, ensureTopics, physicalTopic, type MessagingConfig } from '@crm/messaging';
import { createLogger, envInt, type Logger, type SubgraphName } from '@crm/runtime';
import { DeniedAttemptRecorder, HttpServer, childTraceparent, traceparentOf } from '@crm/service';
import { DEFAULT_HARDENING, hardeningFromEnv, type HardeningSettings } from './hardening/config';
import { operationLimitsPlugin } from './hardening/limits-plugin';
import { RateLimiter } from './hardening/rate-limiter';
import { timeoutFetcher } from './hardening/timeout-fetcher';
import { UPLOAD_ROUTES, routingUrlOf, uploadProxyRoute } from './upload-proxy';

export interface GatewayContext {
  authorization?: string;
  /** W3C trace context sent to the subgraphs (a child of the caller's, or a new trace). */
  traceparent: string;
  requestId: string;
  user: AuthUser | null;
  clientIp: string;
  userAgent?: string;
}

/** Header carrying the client's address to the subgraphs (trusted there only with the service token). */
export const CLIENT_IP_HEADER = 'x-crm-client-ip';

/**
 * Forwards the caller's Authorization (and trace context) to every subgraph request, adds the
 * gateway's service token (subgraphs accept nothing without a token, and login has no user
 * token yet), and gives each request a deadline.
 */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    options: { url: string; name: string; timeoutMs: number },
    private readonly serviceToken: ServiceTokenSource,
  ) {
    super({ url: options.url, fetcher: timeoutFetcher(options.name, options.timeoutMs) as never });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    if (!request.http) return;
    request.http.headers.set(SERVICE_TOKEN_HEADER, `Bearer ${await this.serviceToken.token()}`);
    if (context.authorization) request.http.headers.set('authorization', context.authorization);
    request.http.headers.set('traceparent', context.traceparent);
    if (context.requestId) request.http.headers.set('x-request-id', context.requestId);
    if (context.clientIp) request.http.headers.set(CLIENT_IP_HEADER, context.clientIp);
    if (context.userAgent) request.http.headers.set('x-crm-user-agent', context.userAgent);
  }

  /** A subgraph's non-2xx answer, without the subgraph's internal URL or raw body. */
  override async errorFromResponse(response: { status: number; statusText: string; json(): Promise<unknown> }): Promise<GraphQLError> {
    let first: { message?: string; extensions?: Record<string, unknown> } | undefined;
    try {
      first = ((await response.json()) as { errors?: { message?: string; extensions?: Record<string, unknown> }[] }).errors?.[0];
    } catch {
      first = undefined;
    }
    const code = first?.extensions?.['code'] ?? (response.status === 401 ? 'UNAUTHENTICATED' : response.status === 403 ? 'FORBIDDEN' : undefined);
    // A refusal's reason (e.g. access_changed: refresh the token) tells the client what to do.
    const reason = first?.extensions?.['reason'];
    return new GraphQLError(first?.message ?? `${response.status}: ${response.statusText}`, {
      extensions: { ...(code ? { code } : {}), ...(typeof reason === 'string' && /^[a-z_]{1,40}$/.test(reason) ? { reason } : {}) },
    });
  }
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** Overrides the routing URLs in the supergraph (tests, deployments). */
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  port?: number;
  host?: string;
  logger?: Logger;
  /** Limits; unset ones come from the environment (GATEWAY_MAX_DEPTH …) or the defaults. */
  hardening?: Partial<HardeningSettings>;
  /**
   * Kafka for the audit of refused requests (crm.gateway.access). Without it the gateway only
   * logs them.
   */
  messaging?: Pick<MessagingConfig, 'brokers' | 'topicPrefix'>;
}

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function clientIpOf(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/** graphql-js's parser reports a too-long document as a syntax error; give it its own code. */
const TOKEN_LIMIT = /^Syntax Error: Document contains more th(?:an|at|en) (\d+) tokens/;

export function formatGatewayError(formatted: GraphQLFormattedError, error: unknown, log?: (err: unknown) => void): GraphQLFormattedError {
  const tokenLimit = TOKEN_LIMIT.exec(formatted.message);
  if (tokenLimit) {
    return { message: `the document has more than ${tokenLimit[1]} tokens`, extensions: { code: 'TOKEN_LIMIT_EXCEEDED', limit: Number(tokenLimit[1]) } };
  }
  const masked = maskError(formatted, error, log);
  if (masked.extensions && 'response' in masked.extensions) {
    const { response: _response, ...extensions } = masked.extensions;
    return { ...masked, extensions };
  }
  return masked;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger('gateway');
  const secretsWarning = insecureSecretsWarning();
  if (secretsWarning) logger.error(secretsWarning);
  const fromEnv = hardeningFromEnv();
  const hardening: HardeningSettings = {
    ...DEFAULT_HARDENING,
    ...fromEnv,
    ...options.hardening,
    limits: { ...fromEnv.limits, ...options.hardening?.limits },
    rateLimit: { ...fromEnv.rateLimit, ...options.hardening?.rateLimit },
  };
  const urls = options.subgraphUrls as Record<string, string | undefined>;
  const serviceToken = new ServiceTokenSource('gateway');
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) =>
      new ForwardingDataSource({ url: urls[name] ?? url!, name, timeoutMs: hardening.subgraphTimeoutMs }, serviceToken),
  });

  const metrics = new Registry();
  metrics.setDefaultLabels({ service: 'gateway' });
  collectDefaultMetrics({ register: metrics });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['route', 'status'],
    registers: [metrics],
  });
  const operationCost = new Histogram({
    name: 'graphql_operation_cost',
    help: 'Estimated cost of the operations received',
    buckets: [1, 10, 50, 100, 500, 1000, 5000, 10_000],
    registers: [metrics],
  });
  const rejected = new Counter({
    name: 'gateway_rejected_total',
    help: 'Requests refused by the gateway, by reason',
    labelNames: ['code'],
    registers: [metrics],
  });

  const production = process.env['NODE_ENV'] === 'production';
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: hardening.maxBatch > 1,
    parseOptions: { maxTokens: hardening.maxTokens },
    formatError: (formatted, error) => {
      const result = formatGatewayError(formatted, error, (err) => logger.error({ err }, 'gateway error'));
      const code = result.extensions?.['code'];
      if (typeof code === 'string' && code.endsWith('_EXCEEDED')) rejected.inc({ code });
      return result;
    },
    introspection: !production,
    plugins: [
      operationLimitsPlugin<GatewayContext>(hardening.limits, (cost) => operationCost.observe(cost)),
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();

  const deniedAttempts = await startDeniedAttemptRecorder(options.messaging, logger);
  const limiter = hardening.rateLimit.perSecond > 0 ? new RateLimiter(hardening.rateLimit) : null;
  let sdlChecks: Record<string, { at: number; ok: boolean }> = {};
  const http = new HttpServer<GatewayContext>({
    apollo,
    bodyLimit: hardening.bodyLimitBytes,
    maxBatchSize: hardening.maxBatch,
    metrics,
    // Ready when every subgraph answers a federation query with the gateway's service token:
    // the GraphQL endpoint works and the two agree on the service secret.
    readiness: Object.entries(urls).map(([name, url]) => ({
      name,
      check: async () => {
        if (!url) return false;
        const cached = sdlChecks[name];
        if (cached && Date.now() - cached.at < 5000) return cached.ok;
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SERVICE_TOKEN_HEADER]: `Bearer ${await serviceToken.token()}` },
          body: JSON.stringify({ query: '{ _service { sdl } }' }),
          signal: AbortSignal.timeout(2000),
        }).catch(() => null);
        const body = response?.ok ? ((await response.json().catch(() => null)) as { data?: { _service?: { sdl?: string } } } | null) : null;
        const ok = typeof body?.data?._service?.sdl === 'string';
        sdlChecks = { ...sdlChecks, [name]: { at: Date.now(), ok } };
        return ok;
      },
    })),
    context: async (req) => {
      const clientIp = clientIpOf(req, hardening.trustProxy);
      const authorization = req.headers['authorization'];
      const requestId = randomUUID();
      // Reject a bad token here already; subgraphs verify it again.
      let user: AuthUser | null;
      try {
        ({ user } = await authFromHeader(authorization));
      } catch (error) {
        deniedAttempts.recorder.record({ code: 'UNAUTHENTICATED', message: (error as Error).message, clientIp, requestId });
        throw error;
      }
      if (limiter) {
        const decision = limiter.take(user ? `user:${user.id}` : `ip:${clientIp}`);
        if (!decision.allowed) {
          rejected.inc({ code: 'RATE_LIMITED' });
          throw new GraphQLError(`too many requests: try again in ${decision.retryAfterSeconds} s`, {
            extensions: {
              code: 'RATE_LIMITED',
              retryAfterSeconds: decision.retryAfterSeconds,
              http: { status: 429, headers: new Map([['retry-after', String(decision.retryAfterSeconds)]]) },
            },
          });
        }
      }
      const context: GatewayContext = { requestId, user, clientIp, traceparent: childTraceparent(traceparentOf(req)) };
      const userAgent = req.headers['user-agent'];
      if (typeof userAgent === 'string') context.userAgent = userAgent.slice(0, 300);
      if (authorization) context.authorization = authorization;
      return context;
    },
    onRequest: (route, status, seconds) => httpDuration.observe({ route, status: String(status) }, seconds),
    // File uploads (e.g. a contacts CSV of any size) stream through to the subgraph's own route.
    routes: UPLOAD_ROUTES.flatMap(({ path, subgraph }) => {
      const subgraphUrl = urls[subgraph] ?? routingUrlOf(options.supergraphSdl, subgraph);
      if (!subgraphUrl) return [];
      return [
        uploadProxyRoute({
          path,
          subgraphUrl,
          serviceToken,
          clientIp: (req) => clientIpOf(req, hardening.trustProxy),
          onUnauthenticated: (req, message) =>
            deniedAttempts.recorder.record({ code: 'UNAUTHENTICATED', message, clientIp: clientIpOf(req, hardening.trustProxy), requestId: randomUUID() }),
          timeoutMs: envInt('GATEWAY_UPLOAD_TIMEOUT_MS', 300_000),
          logger,
          ...(limiter
            ? {
                admit: (key: string) => {
                  const decision = limiter.take(key);
                  if (!decision.allowed) rejected.inc({ code: 'RATE_LIMITED' });
                  return decision;
                },
              }
            : {}),
        }),
      ];
    }),
  });
  const port = await http.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  const url = `http://${options.host ?? '127.0.0.1'}:${port}/graphql`;
  logger.info({ url, limits: hardening.limits, maxBatch: hardening.maxBatch, rateLimit: hardening.rateLimit }, 'gateway ready');
  return {
    url,
    port,
    stop: async () => {
      await http.drain();
      await apollo.stop();
      await deniedAttempts.stop();
    },
  };
}

/**
 * Refusals at the gateway itself (bad tokens) go straight to Kafka (the gateway has no
 * database, so no outbox): best effort — if Kafka is down they are logged instead.
 */
async function startDeniedAttemptRecorder(
  messaging: GatewayOptions['messaging'],
  logger: Logger,
): Promise<{ recorder: DeniedAttemptRecorder; stop(): Promise<void> }> {
  if (!messaging) {
    const recorder = new DeniedAttemptRecorder({
      service: 'gateway',
      logger,
      sink: async (events) => {
        for (const event of events) logger.warn({ deniedAttempt: event.data }, 'request refused');
      },
    });
    return { recorder, stop: () => recorder.stop() };
  }
  const config: MessagingConfig = { clientId: 'crm-gateway', ...messaging };
  const kafka = createKafka(config, logger);
  const topic = physicalTopic(config, accessTopicOf('gateway'));
  await ensureTopics(kafka, [topic]).catch((error) => logger.warn({ err: error }, 'could not create the audit topic'));
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  let connected: Promise<void> | undefined;
  const send = async (events: CloudEvent[]) => {
    for (const event of events) validateEvent(event);
    connected ??= producer.connect().catch((error) => {
      connected = undefined;
      throw error;
    });
    await connected;
    await producer.send({ topic, messages: events.map((event) => toKafkaRecord(event)) });
  };
  const recorder = new DeniedAttemptRecorder({
    service: 'gateway',
    logger,
    sink: async (events) => {
      try {
        await send(events);
      } catch (error) {
        for (const event of events) logger.warn({ deniedAttempt: event.data }, 'request refused (not sent to Kafka)');
        throw error;
      }
    },
  });
  return {
    recorder,
    stop: async () => {
      await recorder.stop();
      if (connected) await producer.disconnect().catch(() => undefined);
    },
  };
}
