/**
 * SQL for the number of a schema's outbox events that record changes — every event except the
 * crm.<service>.access.denied audit events, which the denied-attempt recorder writes about
 * 100 ms after a refusal, off the request path (a "nothing changed" check that counted them
 * would race with an earlier test's refusal).
 */
export function changeEventCount(schema: string): string {
  return `(SELECT count(*)::int FROM "${schema}".outbox WHERE event_type NOT LIKE 'crm.%.access.denied.%')`;
}
