import type { GraphQLClient } from '@crm/testing';

/** What the demo steps share: the admin's client and the ids earlier steps created, by key. */
export interface DemoContext {
  api: GraphQLClient;
  ids: Record<string, string>;
}

/** One subgraph's demo data, loaded through the gateway. Steps run in the order listed in seed.ts. */
export interface DemoStep {
  name: string;
  run(ctx: DemoContext): Promise<void>;
}
