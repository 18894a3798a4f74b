import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPH_NAMES } from '@crm/runtime';
import { defaultUrlOf, schemaPathOf } from './subgraphs';

/** Composes the supergraph from every subgraph's schema.graphql with @apollo/composition. */
export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({
      name,
      url: defaultUrlOf(name),
      typeDefs: parse(readFileSync(schemaPathOf(name), 'utf8')),
    })),
  );
  if (result.errors) {
    throw new Error(`supergraph composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}
