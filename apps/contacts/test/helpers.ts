import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { stateEvent, toKafkaRecord } from '@crm/events';
import { changeEventCount, type GraphQLClient } from '@crm/testing';

export const CONTACT_FIELDS = `id kind name displayName code email emailEntered phone phoneEntered mobile mobileEntered nationalId
  branchId salespersonId active version addressType street city zip countryCode website jobPosition title taxId notes
  instagram facebook twitter parent { id name } tags { id name color } occupation { id name }
  nationalIdDetails { provinceName gender birthDate } mergedInto { id }`;

export const CREATE = `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { ${CONTACT_FIELDS} } } }`;
export const UPDATE = `mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { ${CONTACT_FIELDS} } } }`;

/** Row counts of everything a contact write touches, to prove a refused write left nothing. */
export async function footprint(db: Client): Promise<Record<string, number>> {
  const { rows } = await db.query(`SELECT
    (SELECT count(*)::int FROM contacts.contact) AS contacts,
    (SELECT coalesce(sum(version), 0)::int FROM contacts.contact) AS versions,
    (SELECT count(*)::int FROM contacts.contact_tag) AS tags,
    ${changeEventCount('contacts')} AS events,
    (SELECT coalesce(sum(next_value), 0)::int FROM contacts.code_sequence) AS sequence`);
  return rows[0];
}

export async function expectRefused(
  db: Client,
  api: GraphQLClient,
  query: string,
  variables: Record<string, unknown>,
  expected: { code: string; field?: string },
): Promise<void> {
  const before = await footprint(db);
  const result = await api.request(query, variables);
  if (!result.errors?.length) throw new Error(`expected ${expected.code} on ${expected.field}, got ${JSON.stringify(result.data)}`);
  expect(result.errors[0]!.extensions).toMatchObject(expected);
  expect(await footprint(db)).toEqual(before);
}

export async function ids(api: GraphQLClient, query: string, variables: Record<string, unknown> = {}): Promise<string[]> {
  const data = await api.data(query, variables);
  const connection = Object.values(data)[0] as { edges: { node: { id: string } }[] };
  return connection.edges.map((e) => e.node.id);
}

/**
 * Publishes a crm.pipeline.team event as the pipeline subgraph would (the sales team is the
 * master of team membership; contacts projects it into users' teamIds).
 */
export async function publishTeamEvent(
  env: { brokers: string[]; topicPrefix: string },
  team: { id: string; memberIds: string[]; leaderId?: string | null; active?: boolean },
  event: 'created' | 'updated' = 'updated',
): Promise<string> {
  const now = new Date();
  const cloudEvent = stateEvent({
    subgraph: 'pipeline',
    aggregate: 'team',
    event,
    state: { name: 'Team', leaderId: null, active: true, version: 1, updatedAt: now.toISOString(), updatedBy: null, ...team },
    time: now,
  });
  const producer = new Kafka({ clientId: 'test', brokers: env.brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({ topic: `${env.topicPrefix}crm.pipeline.team`, messages: [toKafkaRecord(cloudEvent)] });
  await producer.disconnect();
  return cloudEvent.id;
}
