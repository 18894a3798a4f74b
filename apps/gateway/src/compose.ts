import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse, type DocumentNode } from 'graphql';
import { SUBGRAPH_NAMES } from '@crm/runtime';
import { defaultUrlOf, schemaPathOf } from './subgraphs';

/**
 * Hints that mean the supergraph silently lost something a subgraph declared (an input field
 * or enum value dropped because another subgraph has a same-named type): fail on them.
 */
const FATAL_HINTS = new Set(['INCONSISTENT_INPUT_OBJECT_FIELD', 'INCONSISTENT_ENUM_VALUE_FOR_INPUT_ENUM', 'INCONSISTENT_ARGUMENT_PRESENCE']);

/** Composes a supergraph with @apollo/composition; throws on errors and on fatal hints. */
export function composeSchemas(subgraphs: { name: string; url: string; typeDefs: DocumentNode }[]): string {
  const result = composeServices(subgraphs);
  if (result.errors) {
    throw new Error(`supergraph composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  const fatal = (result.hints ?? []).filter((h) => FATAL_HINTS.has(h.definition.code));
  if (fatal.length > 0) {
    throw new Error(`supergraph composition would drop fields:\n${fatal.map((h) => `- ${h.message.split('\n')[0]}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}

/** Composes the supergraph from every subgraph's schema.graphql. */
export function composeSupergraph(): string {
  return composeSchemas(
    SUBGRAPH_NAMES.map((name) => ({ name, url: defaultUrlOf(name), typeDefs: parse(readFileSync(schemaPathOf(name), 'utf8')) })),
  );
}
