import { ACCESS_EVENTS } from './catalog/access';
import { ACTIVITIES_EVENTS } from './catalog/activities';
import { CONTACTS_EVENTS } from './catalog/contacts';
import type { EventDefinition } from './catalog/define';
import { PIPELINE_EVENTS } from './catalog/pipeline';
import { SALES_EVENTS } from './catalog/sales';
import { USER_EVENTS } from './catalog/users';

export type { EventDefinition } from './catalog/define';
export { ACCESS_AUDIT_SERVICES, accessTopicOf, type AccessAuditService } from './catalog/access';

/**
 * Every event type the system publishes, one file per subgraph under catalog/.
 * Add there first: the JSON Schema is the contract; within a version only additive changes.
 */
export const EVENT_CATALOG: readonly EventDefinition[] = [
  ...CONTACTS_EVENTS,
  ...USER_EVENTS,
  ...PIPELINE_EVENTS,
  ...ACTIVITIES_EVENTS,
  ...SALES_EVENTS,
  ...ACCESS_EVENTS,
];

const byType = new Map(EVENT_CATALOG.map((d) => [d.type, d]));

export function eventDefinition(type: string): EventDefinition | undefined {
  return byType.get(type);
}

/** Topics a subgraph publishes to (from the catalog). */
export function topicsOfSubgraph(subgraph: string): string[] {
  return [...new Set(EVENT_CATALOG.filter((d) => d.subgraph === subgraph).map((d) => d.topic))];
}
