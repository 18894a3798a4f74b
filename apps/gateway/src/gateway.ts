import { randomUUID } from 'node:crypto';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { authFromHeader } from '@crm/auth';
import { maskError } from '@crm/graphql';
import { createLogger, type Logger, type SubgraphName } from '@crm/runtime';
import { HttpServer, childTraceparent, traceparentOf } from '@crm/service';

export interface GatewayContext {
  authorization?: string;
  /** W3C trace context sent to the subgraphs (a child of the caller's, or a new trace). */
  traceparent: string;
  requestId: string;
}

/** Forwards the caller's Authorization (and trace context) to every subgraph request. */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (!request.http) return;
    if (context.authorization) request.http.headers.set('authorization', context.authorization);
    request.http.headers.set('traceparent', context.traceparent);
    request.http.headers.set('x-request-id', context.requestId);
  }
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** Overrides the routing URLs in the supergraph (tests, deployments). */
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  port?: number;
  host?: string;
  logger?: Logger;
}

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? createLogger('gateway');
  const urls = options.subgraphUrls as Record<string, string | undefined>;
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => new ForwardingDataSource({ url: urls[name] ?? url }),
  });
  const production = process.env['NODE_ENV'] === 'production';
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => maskError(formatted, error, (err) => logger.error({ err }, 'gateway error')),
    introspection: !production,
    plugins: production ? [ApolloServerPluginLandingPageDisabled()] : [],
  });
  await apollo.start();

  const metrics = new Registry();
  metrics.setDefaultLabels({ service: 'gateway' });
  collectDefaultMetrics({ register: metrics });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['route', 'status'],
    registers: [metrics],
  });

  const http = new HttpServer<GatewayContext>({
    apollo,
    bodyLimit: 1_000_000,
    metrics,
    readiness: Object.entries(urls).map(([name, url]) => ({
      name,
      check: async () => {
        if (!url) return false;
        const response = await fetch(new URL('/health/live', url), { signal: AbortSignal.timeout(2000) });
        return response.ok;
      },
    })),
    context: async (req) => {
      const authorization = req.headers['authorization'];
      // Reject a bad token here already; subgraphs verify it again.
      await authFromHeader(authorization);
      const context: GatewayContext = { requestId: randomUUID(), traceparent: childTraceparent(traceparentOf(req)) };
      if (authorization) context.authorization = authorization;
      return context;
    },
    onRequest: (route, status, seconds) => httpDuration.observe({ route, status: String(status) }, seconds),
  });
  const port = await http.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  const url = `http://${options.host ?? '127.0.0.1'}:${port}/graphql`;
  logger.info({ url }, 'gateway ready');
  return {
    url,
    port,
    stop: async () => {
      await http.drain();
      await apollo.stop();
    },
  };
}
