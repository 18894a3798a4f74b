import { readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import type { DataSource, EntityManager, EntitySchema, MixedList } from 'typeorm';
import type { Kafka } from 'kafkajs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SERVICE_TOKEN_HEADER, authFromRequest, insecureSecretsWarning, type AuthUser, type ServiceName } from '@crm/auth';
import { backgroundTransaction, createSchemaDataSource, ensureDatabase, initializeWithMigrations, pingDatabase } from '@crm/db';
import { accessTopicOf, dlqTopicOf } from '@crm/events';
import { maskError } from '@crm/graphql';
import {
  EventConsumer,
  OutboxCommitSubscriber,
  OutboxRelay,
  appendToOutbox,
  createKafka,
  ensureTopics,
  messagingConfigFromEnv,
  physicalTopic,
  pingKafka,
  type BatchEventHandler,
  type EventHandler,
  type MessagingConfig,
} from '@crm/messaging';
import { createLogger, databaseUrl, envInt, systemClock, type Clock, type Logger, type SubgraphName } from '@crm/runtime';
import { AccessChangeGate, accessChangesConsumer, accessChangesMigration } from './access-changes';
import { serviceOnlyGuard } from './admission';
import { DeniedAttemptRecorder, deniedAttemptsPlugin } from './denied-attempts';
import { HttpServer, type HttpRoute } from './http';

/** What every resolver gets: the verified user and request identifiers. */
export interface BaseContext {
  user: AuthUser | null;
  /** The internal service that called (the gateway), when it presented a service token. */
  service?: ServiceName | null;
  /** The end client's address: as the gateway reports it (service token), else the peer's. */
  clientIp?: string;
  /** The end client's User-Agent, the same way (kept with login sessions). */
  userAgent?: string;
  requestId: string;
  /** W3C trace context of the incoming request, carried into events. */
  traceparent?: string;
}

export interface SubgraphDeps {
  name: SubgraphName;
  schema: string;
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  messaging: MessagingConfig;
  kafka: Kafka;
  /** Refused requests of routes beside /graphql (the GraphQL ones are recorded by a plugin). */
  deniedAttempts: DeniedAttemptRecorder;
}

export interface ConsumerSpec {
  /** Consumer group suffix: group = `crm.<name>`. */
  name: string;
  topics: string[];
  handlers: Record<string, EventHandler>;
  /** Partitions applied in parallel (order per partition, hence per key, holds); default 1. */
  partitionsConsumedConcurrently?: number;
  /** Runs first in each event's transaction, before the inbox insert. */
  beforeApply?: (manager: EntityManager) => Promise<void>;
  /** Batch mode (see EventConsumerOptions.batch). */
  batch?: { maxEvents: number; handle: BatchEventHandler };
  /** false: handlers idempotent by themselves, no inbox row (see EventConsumerOptions.inbox). */
  inbox?: boolean;
}

export interface SubgraphParts<Ctx extends BaseContext> {
  resolvers: GraphQLResolverMap<Ctx>;
  consumers?: ConsumerSpec[];
  /** Per-request context: DataLoaders and services bound to the caller. */
  context: (base: BaseContext) => Ctx;
  /** HTTP routes beside /graphql and /health (e.g. downloads). */
  routes?: HttpRoute[];
  /** Called once the HTTP server listens, with its /graphql URL. */
  onListening?: (serviceUrl: string) => void;
  /** Called on stop, after the consumers stopped and before Postgres disconnects (background work). */
  onStop?: () => Promise<void>;
}

export interface SubgraphModule<Ctx extends BaseContext> {
  name: SubgraphName;
  /** The Postgres schema it owns. */
  schema: string;
  typeDefs: DocumentNode;
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  /** Logical topics it publishes to; created at start. */
  publishes: string[];
  /**
   * Root fields that work without a user (e.g. `Mutation.login`), reached through the gateway
   * with its service token. Everything else needs a user token.
   */
  publicOperations?: string[];
  create(deps: SubgraphDeps): SubgraphParts<Ctx>;
}

export interface StartOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  databaseUrl?: string;
  messaging?: Partial<MessagingConfig>;
  clock?: Clock;
  logger?: Logger;
  bodyLimit?: number;
  /** How often the outbox relay looks for rows other processes wrote (default 500 ms). */
  outboxPollMs?: number;
}

export interface RunningSubgraph {
  name: SubgraphName;
  url: string;
  port: number;
  deps: SubgraphDeps;
  relay: OutboxRelay;
  consumers: EventConsumer[];
  /** Refused requests waiting to be written (tests flush it before counting queries). */
  deniedAttempts: DeniedAttemptRecorder;
  /** The recent access changes of users (tokens issued before them are refused). */
  accessChanges: AccessChangeGate;
  /** Resolves when every consumer has joined its group. */
  consumersReady(): Promise<void>;
  stop(): Promise<void>;
}

export function loadTypeDefs(path: string): DocumentNode {
  return parse(readFileSync(path, 'utf8'));
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The gateway's request id (a correlation id only), else a fresh one. */
function requestIdOf(req: IncomingMessage): string {
  const value = headerValue(req, 'x-request-id');
  return value && /^[\w-]{1,100}$/.test(value) ? value : randomUUID();
}

const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

/** The W3C trace context of a request, when it carries a valid one. */
export function traceparentOf(req: IncomingMessage): string | undefined {
  const value = req.headers['traceparent'];
  return typeof value === 'string' && TRACEPARENT.test(value) ? value : undefined;
}

/**
 * A traceparent for the next hop: the same trace id with a new span id, or a new trace
 * when there is none, so every request and the events it causes share one trace.
 */
export function childTraceparent(parent: string | undefined): string {
  const match = parent ? TRACEPARENT.exec(parent) : null;
  const traceId = match?.[2] ?? randomBytes(16).toString('hex');
  const flags = match?.[4] ?? '01';
  return `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}`;
}

/**
 * Starts one subgraph: migrations, Kafka topics, outbox relay, consumers, then the HTTP
 * server. `stop()` shuts down in the reverse order: stop taking requests and drain them,
 * stop consuming, flush the outbox, disconnect Kafka and Postgres.
 */
export async function startSubgraph<Ctx extends BaseContext>(
  module: SubgraphModule<Ctx>,
  options: StartOptions = {},
): Promise<RunningSubgraph> {
  const logger = options.logger ?? createLogger(module.name);
  const url = options.databaseUrl ?? databaseUrl();
  const messaging: MessagingConfig = { ...messagingConfigFromEnv(`crm-${module.name}`), ...options.messaging };
  const clock = options.clock ?? systemClock;
  const secretsWarning = insecureSecretsWarning();
  if (secretsWarning) logger.error(secretsWarning);

  await ensureDatabase(url);
  const dataSource = createSchemaDataSource({
    schema: module.schema,
    entities: module.entities,
    // Every subgraph also keeps its users' access changes (access-changes.ts).
    migrations: [...(module.migrations as Function[]), accessChangesMigration(module.schema)],
    url,
    logger,
  });
  const applied = await initializeWithMigrations(dataSource);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');

  const kafka = createKafka(messaging, logger);
  // Refused requests → crm.<name>.access.denied events, through the outbox like any event.
  const deniedAttempts = new DeniedAttemptRecorder({
    service: module.name,
    logger,
    // Background work: it must not count as the request's queries (queryCount).
    sink: (events) => backgroundTransaction(dataSource, (manager) => appendToOutbox(manager, module.schema, events)),
  });

  const deps: SubgraphDeps = { name: module.name, schema: module.schema, dataSource, clock, logger, messaging, kafka, deniedAttempts };
  const parts = module.create(deps);
  const consumerSpecs = [...(parts.consumers ?? []), accessChangesConsumer(module.name, module.schema)];

  const topics = [
    ...module.publishes,
    accessTopicOf(module.name),
    ...consumerSpecs.flatMap((c) => c.topics),
    ...consumerSpecs.flatMap((c) => c.topics.map(dlqTopicOf)),
  ].map((t) => physicalTopic(messaging, t));
  await ensureTopics(kafka, topics).catch((error) =>
    logger.warn({ err: error }, 'could not create topics (Kafka down?); the relay will retry'),
  );

  const relay = new OutboxRelay({
    dataSource,
    schema: module.schema,
    kafka,
    config: messaging,
    logger,
    pollIntervalMs: options.outboxPollMs ?? envInt('OUTBOX_POLL_MS', 500),
  });
  dataSource.subscribers.push(new OutboxCommitSubscriber(() => relay.kick()));
  await relay.start();

  const consumers = consumerSpecs.map(
    (spec) =>
      new EventConsumer({
        name: spec.name,
        dataSource,
        schema: module.schema,
        kafka,
        config: messaging,
        logger,
        topics: spec.topics,
        handlers: spec.handlers,
        partitionsConsumedConcurrently: spec.partitionsConsumedConcurrently,
        beforeApply: spec.beforeApply,
        batch: spec.batch,
        inbox: spec.inbox,
      }),
  );
  for (const consumer of consumers) await consumer.start();
  const accessChanges = new AccessChangeGate(dataSource, module.schema, logger, envInt('ACCESS_CHANGE_POLL_MS', 1000));
  await accessChanges.start();

  const metrics = new Registry();
  metrics.setDefaultLabels({ service: module.name });
  collectDefaultMetrics({ register: metrics });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['route', 'status'],
    registers: [metrics],
  });
  new Gauge({
    name: 'outbox_published_total',
    help: 'Outbox rows published since start',
    registers: [metrics],
    collect() {
      this.set(relay.published);
    },
  });
  new Gauge({
    name: 'outbox_pending',
    help: 'Outbox rows not yet published',
    registers: [metrics],
    async collect() {
      this.set(await relay.pending().catch(() => -1));
    },
  });
  const lastStats = new Map<EventConsumer, Record<string, number>>();
  new Counter({
    name: 'events_consumed_total',
    help: 'Events applied, skipped, seen twice or dead-lettered',
    labelNames: ['consumer', 'outcome'],
    registers: [metrics],
    collect() {
      for (const c of consumers) {
        const prev = lastStats.get(c) ?? {};
        for (const [outcome, value] of Object.entries(c.stats)) {
          const delta = value - (prev[outcome] ?? 0);
          if (delta > 0) this.inc({ consumer: c.groupId, outcome }, delta);
        }
        lastStats.set(c, { ...c.stats });
      }
    },
  });

  const apollo = new ApolloServer<Ctx>({
    schema: buildSubgraphSchema([{ typeDefs: module.typeDefs, resolvers: parts.resolvers as GraphQLResolverMap<unknown> }]),
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => maskError(formatted, error, (err) => logger.error({ err }, 'unexpected error')),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      serviceOnlyGuard<Ctx>(module.publicOperations ?? []),
      deniedAttemptsPlugin<Ctx>(deniedAttempts),
      ...(process.env['NODE_ENV'] === 'production' ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
    introspection: process.env['NODE_ENV'] !== 'production',
  });
  await apollo.start();

  let kafkaUp = { at: 0, ok: false };
  const http = new HttpServer<Ctx>({
    apollo,
    bodyLimit: options.bodyLimit ?? envInt('BODY_LIMIT_BYTES', 1_000_000),
    metrics,
    readiness: [
      { name: 'postgres', check: () => pingDatabase((sql) => dataSource.query(sql)) },
      {
        name: 'kafka',
        check: async () => {
          if (Date.now() - kafkaUp.at > 5000) kafkaUp = { at: Date.now(), ok: await pingKafka(kafka) };
          return kafkaUp.ok;
        },
      },
    ],
    context: async (req) => {
      const requestId = requestIdOf(req);
      let auth: Awaited<ReturnType<typeof authFromRequest>>;
      let staleUser: AuthUser | null = null;
      try {
        auth = await authFromRequest(req.headers['authorization'], headerValue(req, SERVICE_TOKEN_HEADER));
        if (auth.user && auth.issuedAt !== null && accessChanges.isStale(auth.user.id, auth.issuedAt)) {
          staleUser = auth.user;
          throw new GraphQLError('your access changed since this token was issued: refresh it (or log in again)', {
            extensions: { code: 'UNAUTHENTICATED', reason: 'access_changed', http: { status: 401 } },
          });
        }
      } catch (error) {
        const extensions = (error as { extensions?: { code?: unknown } }).extensions;
        if (extensions?.code === 'UNAUTHENTICATED') {
          const reason = (extensions as { reason?: unknown }).reason;
          deniedAttempts.record({
            code: 'UNAUTHENTICATED',
            message: (error as Error).message,
            reason: typeof reason === 'string' ? reason : null,
            user: staleUser,
            clientIp: req.socket.remoteAddress ?? null,
            requestId,
          });
        }
        throw error;
      }
      // The gateway reports the end client's address; anyone else's header is ignored.
      const clientIp = (auth.service === 'gateway' ? headerValue(req, 'x-crm-client-ip') : undefined) ?? req.socket.remoteAddress ?? 'unknown';
      const userAgent = (auth.service === 'gateway' ? headerValue(req, 'x-crm-user-agent') : undefined) ?? headerValue(req, 'user-agent');
      const base: BaseContext = { user: auth.user, service: auth.service, requestId, clientIp };
      if (userAgent) base.userAgent = userAgent.slice(0, 300);
      const traceparent = traceparentOf(req);
      if (traceparent) base.traceparent = traceparent;
      return parts.context(base);
    },
    onRequest: (route, status, seconds) => {
      httpDuration.observe({ route, status: String(status) }, seconds);
    },
    routes: parts.routes,
  });
  const port = await http.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  const serviceUrl = `http://${options.host ?? '127.0.0.1'}:${port}/graphql`;
  parts.onListening?.(serviceUrl);
  logger.info({ url: serviceUrl }, `${module.name} subgraph ready`);

  let stopping: Promise<void> | undefined;
  return {
    name: module.name,
    url: serviceUrl,
    port,
    deps,
    relay,
    consumers,
    deniedAttempts,
    accessChanges,
    consumersReady: async () => {
      await Promise.all(consumers.map((c) => c.ready()));
    },
    stop: () =>
      (stopping ??= (async () => {
        await http.drain();
        await apollo.stop();
        await deniedAttempts.stop();
        for (const consumer of consumers) await consumer.stop();
        accessChanges.stop();
        await parts.onStop?.();
        await relay.stop();
        await dataSource.destroy();
        logger.info(`${module.name} subgraph stopped`);
      })()),
  };
}
