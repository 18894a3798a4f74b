import type { Opportunity } from './opportunity';

/**
 * Merging duplicate leads/opportunities as Odoo does: the records are ordered by confidence
 * (active first, opportunities before leads, further in the pipeline, more probable, older),
 * the first one survives, and each field takes the first value any of them has; tags are
 * united, descriptions joined, custom field values filled in key by key.
 */
export function sortByConfidence(records: readonly Opportunity[], stageSequence: ReadonlyMap<string, number>): Opportunity[] {
  const seq = (o: Opportunity) => (o.stageId ? (stageSequence.get(o.stageId) ?? 0) : -1);
  return [...records].sort((a, b) => {
    if (a.active !== b.active) return a.active ? -1 : 1;
    if (a.type !== b.type) return a.type === 'opportunity' ? -1 : 1;
    if (seq(a) !== seq(b)) return seq(b) - seq(a);
    const pa = Number(a.probability);
    const pb = Number(b.probability);
    if (pa !== pb) return pb - pa;
    return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1);
  });
}

const FIRST_VALUE_FIELDS = [
  'name',
  'customerId',
  'contactName',
  'companyName',
  'email',
  'phone',
  'countryCode',
  'salespersonId',
  'expectedClosing',
  'campaign',
  'medium',
  'source',
  'referredBy',
  'branchId',
] as const;

export type MergedFields = Pick<Opportunity, (typeof FIRST_VALUE_FIELDS)[number] | 'type' | 'priority' | 'expectedRevenue' | 'currency' | 'tagIds' | 'description' | 'properties'>;

/** The survivor's fields after merging `ordered` (survivor first). */
export function mergeFields(ordered: readonly Opportunity[]): MergedFields {
  const [head, ...rest] = ordered;
  if (!head) throw new Error('nothing to merge');
  const merged = {} as Record<string, unknown>;
  for (const field of FIRST_VALUE_FIELDS) {
    merged[field] = ordered.map((o) => o[field]).find((v) => v !== null && v !== '') ?? null;
  }
  merged['name'] = head.name;
  merged['type'] = ordered.some((o) => o.type === 'opportunity') ? 'opportunity' : 'lead';
  merged['priority'] = ordered.map((o) => o.priority).find((p) => p > 0) ?? 0;
  // Revenue and its currency travel together: the first non-zero amount.
  const withRevenue = ordered.find((o) => !/^0+(\.0+)?$/.test(o.expectedRevenue)) ?? head;
  merged['expectedRevenue'] = withRevenue.expectedRevenue;
  merged['currency'] = withRevenue.currency;
  merged['tagIds'] = [...new Set(ordered.flatMap((o) => o.tagIds))];
  const descriptions = ordered.map((o) => o.description).filter((d): d is string => !!d);
  merged['description'] = descriptions.length ? descriptions.join('\n\n') : null;
  const properties: Record<string, string> = {};
  for (const o of [...rest].reverse().concat(head)) Object.assign(properties, o.properties);
  merged['properties'] = properties;
  return merged as MergedFields;
}
