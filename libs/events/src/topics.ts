/** Logical topic names: one per aggregate, `crm.<subgraph>.<aggregate>`. */
export const TOPICS = {
  contactsContact: 'crm.contacts.contact',
  contactsUser: 'crm.contacts.user',
  contactsBranch: 'crm.contacts.branch',
  pipelineOpportunity: 'crm.pipeline.opportunity',
  pipelineTeam: 'crm.pipeline.team',
  pipelineStage: 'crm.pipeline.stage',
  pipelineCurrencyRate: 'crm.pipeline.currency_rate',
  pipelinePipeline: 'crm.pipeline.pipeline',
  activitiesActivity: 'crm.activities.activity',
  activitiesMeeting: 'crm.activities.meeting',
  activitiesMessage: 'crm.activities.message',
  salesQuotation: 'crm.sales.quotation',
  salesBooking: 'crm.sales.booking',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export function topicOf(subgraph: string, aggregate: string): string {
  return `crm.${subgraph}.${aggregate}`;
}

export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** The logical topic an event type belongs to: `crm.a.b.event.v1` → `crm.a.b`. */
export function topicOfType(type: string): string {
  const parts = type.split('.');
  if (parts.length < 5 || parts[0] !== 'crm') throw new Error(`not a crm event type: ${type}`);
  return parts.slice(0, 3).join('.');
}
