import { startSubgraph, type BaseContext, type RunningSubgraph, type SubgraphModule } from '@crm/service';
import type { Clock, SubgraphName } from '@crm/runtime';
import { GraphQLClient } from './client';
import type { TestEnv } from './test-env';

export type StartGatewayFn = (options: {
  supergraphSdl: string;
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  port?: number;
  /** The test's Kafka namespace (the gateway publishes its audit events there). */
  messaging?: { brokers: string[]; topicPrefix: string };
}) => Promise<{ url: string; stop(): Promise<void> }>;

export interface StackOptions {
  env: TestEnv;
  modules: SubgraphModule<any>[];
  /** With a gateway: its start function and the supergraph it serves. */
  gateway?: { start: StartGatewayFn; supergraphSdl: string };
  clock?: Clock;
  /** Outbox relay polling (ms); this process's own commits wake the relay regardless. */
  outboxPollMs?: number;
}

export interface Stack {
  subgraphs: Partial<Record<SubgraphName, RunningSubgraph>>;
  subgraph(name: SubgraphName): RunningSubgraph;
  gatewayUrl: string | undefined;
  /** A client of the gateway (or of the only subgraph when there is no gateway). */
  client(token?: string): GraphQLClient;
  /** Restarts one subgraph in place (same database and topics), e.g. after stopping it. */
  restart(name: SubgraphName): Promise<RunningSubgraph>;
  stop(): Promise<void>;
}

/** Starts subgraphs in-process on free ports against the test env, then a gateway over them. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const subgraphs: Partial<Record<SubgraphName, RunningSubgraph>> = {};
  const start = (module: SubgraphModule<BaseContext>) =>
    startSubgraph(module, {
      port: 0,
      databaseUrl: options.env.databaseUrl,
      messaging: { brokers: options.env.brokers, topicPrefix: options.env.topicPrefix },
      clock: options.clock,
      outboxPollMs: options.outboxPollMs,
    });
  for (const module of options.modules) subgraphs[module.name as SubgraphName] = await start(module);
  let gateway: { url: string; stop(): Promise<void> } | undefined;
  if (options.gateway) {
    gateway = await options.gateway.start({
      supergraphSdl: options.gateway.supergraphSdl,
      subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s!.url])),
      port: 0,
      messaging: { brokers: options.env.brokers, topicPrefix: options.env.topicPrefix },
    });
  }
  const subgraph = (name: SubgraphName) => {
    const found = subgraphs[name];
    if (!found) throw new Error(`subgraph ${name} is not part of this stack`);
    return found;
  };
  return {
    subgraphs,
    subgraph,
    gatewayUrl: gateway?.url,
    client: (token) => new GraphQLClient(gateway?.url ?? Object.values(subgraphs)[0]!.url, token),
    restart: async (name) => {
      const module = options.modules.find((m) => m.name === name)!;
      await subgraphs[name]?.stop();
      // The gateway keeps the old URL: restart on the same port.
      const running = await startSubgraph(module, {
        port: subgraphs[name]?.port ?? 0,
        databaseUrl: options.env.databaseUrl,
        messaging: { brokers: options.env.brokers, topicPrefix: options.env.topicPrefix },
        clock: options.clock,
      outboxPollMs: options.outboxPollMs,
      });
      subgraphs[name] = running;
      return running;
    },
    stop: async () => {
      await gateway?.stop();
      for (const s of Object.values(subgraphs)) await s!.stop();
    },
  };
}
