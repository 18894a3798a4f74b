import { TOPICS, type StateEventData } from '@crm/events';
import { isUuid } from '@crm/runtime';
import { propertyOptionLabelId, upsertLabel } from './labels';
import { applyOpportunityEvent } from './opportunity-projection';
import { b, s, strings, upsertVersioned } from './upsert';
import type { Projector } from './target';

type State = Record<string, unknown>;

const applyTeam: Projector = async (event, manager, target) => {
  const st = (event.data as StateEventData<State>).state;
  const wrote = await upsertVersioned(manager, `"${target.schema}".team_rm`, {
    id: [st['id'], 'uuid'],
    version: [st['version'], 'int'],
    name: [st['name']],
    leader_id: [isUuid(st['leaderId']) ? st['leaderId'] : null, 'uuid'],
    member_ids: [strings(st['memberIds']).filter(isUuid), 'uuid[]'],
    invoicing_target: [s(st['invoicingTarget']), 'numeric'],
    currency: [s(st['currency'])],
    use_leads: [b(st['useLeads'], true), 'boolean'],
    active: [b(st['active'], true), 'boolean'],
  });
  if (wrote) {
    await upsertLabel(manager, target.schema, { kind: 'team', id: String(st['id']), name: String(st['name']), at: s(st['updatedAt']) ?? event.time });
  }
};

const applyStage: Projector = async (event, manager, target) => {
  const data = event.data as StateEventData<State>;
  const st = data.state;
  const deleted = event.type.endsWith('.deleted.v1');
  const cells = {
    id: [st['id'], 'uuid'],
    version: [st['version'], 'int'],
    name: [st['name']],
    sequence: [typeof st['sequence'] === 'number' ? st['sequence'] : 0, 'int'],
    folded: [b(st['folded'], false), 'boolean'],
    is_won: [b(st['isWon'], false), 'boolean'],
    probability: [s(st['probability']), 'numeric'],
    team_id: [isUuid(st['teamId']) ? st['teamId'] : null, 'uuid'],
    pipeline_id: [isUuid(st['pipelineId']) ? st['pipelineId'] : null, 'uuid'],
    deleted: [deleted, 'boolean'],
  } satisfies Record<string, [unknown, string?]>;
  const wrote = await upsertVersioned(manager, `"${target.schema}".stage_rm`, cells);
  if (deleted) {
    // A delete carries the last state (same version): mark it whatever the version.
    await manager.query(`UPDATE "${target.schema}".stage_rm SET deleted = true WHERE id = $1`, [st['id']]);
  }
  if (wrote || deleted) {
    await upsertLabel(manager, target.schema, {
      kind: 'stage',
      id: String(st['id']),
      name: String(st['name']),
      sequence: typeof st['sequence'] === 'number' ? st['sequence'] : null,
      at: s(st['updatedAt']) ?? event.time,
    });
  }
};

/**
 * A pipeline: its name, and the shown label of every option of its selection properties — the
 * records store the option's value (TIDAK_TERHUBUNG, HOT), the Laporan CRM shows its label
 * (Tidak Terhubung, HOT PROSPECT) as the pipeline's form does.
 */
const applyPipeline: Projector = async (event, manager, target) => {
  const st = (event.data as StateEventData<State>).state;
  const id = String(st['id']);
  const at = s(st['updatedAt']) ?? event.time;
  await upsertLabel(manager, target.schema, { kind: 'pipeline', id, name: String(st['name']), at });
  const options: { id: string; name: string }[] = [];
  for (const d of Array.isArray(st['propertyDefinitions']) ? (st['propertyDefinitions'] as Record<string, unknown>[]) : []) {
    if (typeof d['key'] !== 'string' || !Array.isArray(d['options'])) continue;
    for (const o of d['options'] as Record<string, unknown>[]) {
      if (typeof o['value'] === 'string' && typeof o['label'] === 'string') options.push({ id: propertyOptionLabelId(id, d['key'], o['value']), name: o['label'] });
    }
  }
  if (options.length === 0) return;
  await manager.query(
    `INSERT INTO "${target.schema}".label AS l (kind, id, name, sequence, authoritative, at)
     SELECT 'propertyOption', v.id, v.name, NULL, true, $3 FROM unnest($1::text[], $2::text[]) AS v(id, name)
     ON CONFLICT (kind, id) DO UPDATE SET name = EXCLUDED.name, authoritative = true, at = EXCLUDED.at
     WHERE NOT l.authoritative OR EXCLUDED.at > l.at OR (EXCLUDED.at = l.at AND EXCLUDED.name > l.name)`,
    [options.map((o) => o.id), options.map((o) => o.name), at],
  );
};

const OPPORTUNITY_EVENTS = ['created', 'updated', 'stage_changed', 'won', 'lost', 'restored', 'converted', 'merged', 'archived', 'unarchived', 'deleted'];

/**
 * Exchange rates are the pipeline's: reports keep the latest rate per currency. The table is
 * configuration-like (a rebuild keeps it and replays into it harmlessly), so it is written in
 * place rather than into the rebuild target.
 */
const applyCurrencyRate: Projector = async (event, manager) => {
  const st = (event.data as StateEventData<State>).state;
  await manager.query(
    `INSERT INTO reporting.currency_rate (currency, rate, valid_from, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (currency) DO UPDATE SET rate = EXCLUDED.rate, valid_from = EXCLUDED.valid_from, updated_at = EXCLUDED.updated_at
     WHERE reporting.currency_rate.valid_from <= EXCLUDED.valid_from`,
    [st['currency'], st['rate'], st['validFrom'], event.time],
  );
};

export const pipelineHandlers: Record<string, Projector> = {
  ...Object.fromEntries(OPPORTUNITY_EVENTS.map((e) => [`crm.pipeline.opportunity.${e}.v1`, applyOpportunityEvent])),
  'crm.pipeline.team.created.v1': applyTeam,
  'crm.pipeline.team.updated.v1': applyTeam,
  'crm.pipeline.stage.created.v1': applyStage,
  'crm.pipeline.stage.updated.v1': applyStage,
  'crm.pipeline.stage.deleted.v1': applyStage,
  'crm.pipeline.pipeline.created.v1': applyPipeline,
  'crm.pipeline.pipeline.updated.v1': applyPipeline,
  'crm.pipeline.currency_rate.set.v1': applyCurrencyRate,
};

export const PIPELINE_TOPICS = [TOPICS.pipelineOpportunity, TOPICS.pipelineTeam, TOPICS.pipelineStage, TOPICS.pipelinePipeline, TOPICS.pipelineCurrencyRate];
