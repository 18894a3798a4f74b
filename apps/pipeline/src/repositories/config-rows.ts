import { gatesFromJson, type StageGates } from '../domain/gates';
import type { PropertyDefinition } from '../domain/properties';
import { rulesFromJson, type PipelineRules } from '../domain/pipeline-rules';

/** Anything that runs SQL: the DataSource or a transaction's EntityManager. */
export interface Queryable {
  // SQL answers are untyped rows; the to*() mappers below give them types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, params?: unknown[]): Promise<any>;
}

/** A row as node-postgres returns it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>;

export interface Audit {
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

export interface Team extends Audit {
  id: string;
  name: string;
  leaderId: string | null;
  memberIds: string[];
  emailAlias: string | null;
  invoicingTarget: string | null;
  currency: string;
  useLeads: boolean;
  /** Confirming a sales order of the team's opportunity marks it won. */
  orderConfirmationMarksWon: boolean;
  scoringFields: string[];
  sequence: number;
  isDefault: boolean;
  active: boolean;
}

export interface Pipeline extends Audit {
  id: string;
  teamId: string;
  name: string;
  sequence: number;
  sharedStages: boolean;
  isDefault: boolean;
  propertyDefinitions: PropertyDefinition[];
  /** Rules for all its records: a lead's required fields, values set by themselves. */
  rules: PipelineRules;
  templateKey: string | null;
  active: boolean;
}

export interface Stage extends Audit {
  id: string;
  name: string;
  sequence: number;
  folded: boolean;
  isWon: boolean;
  probability: string;
  requirements: string | null;
  teamId: string | null;
  pipelineId: string | null;
  gates: StageGates;
}

export interface LostReason extends Audit {
  id: string;
  name: string;
  active: boolean;
}

export interface Tag extends Audit {
  id: string;
  name: string;
  color: number;
}

export interface CurrencyRate {
  currency: string;
  validFrom: string;
  rate: string;
}

const audit = (r: Row): Audit => ({
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  createdBy: r.created_by,
  updatedBy: r.updated_by,
});

export const TEAM_COLUMNS = `t.id, t.name, t.leader_id, t.member_ids::text[] AS member_ids, t.email_alias, t.invoicing_target::text AS invoicing_target,
  t.currency, t.use_leads, t.order_confirmation_marks_won, t.scoring_fields, t.sequence, t.is_default, t.active, t.version, t.created_at, t.updated_at, t.created_by, t.updated_by`;
export const toTeam = (r: Row): Team => ({
  id: r.id,
  name: r.name,
  leaderId: r.leader_id,
  memberIds: r.member_ids ?? [],
  emailAlias: r.email_alias,
  invoicingTarget: r.invoicing_target,
  currency: r.currency,
  useLeads: r.use_leads,
  orderConfirmationMarksWon: r.order_confirmation_marks_won,
  scoringFields: r.scoring_fields ?? [],
  sequence: r.sequence,
  isDefault: r.is_default,
  active: r.active,
  ...audit(r),
});

export const PIPELINE_COLUMNS = `p.id, p.team_id, p.name, p.sequence, p.shared_stages, p.is_default, p.property_definitions, p.rules, p.template_key, p.active,
  p.version, p.created_at, p.updated_at, p.created_by, p.updated_by`;
export const toPipeline = (r: Row): Pipeline => ({
  id: r.id,
  teamId: r.team_id,
  name: r.name,
  sequence: r.sequence,
  sharedStages: r.shared_stages,
  isDefault: r.is_default,
  propertyDefinitions: r.property_definitions ?? [],
  rules: rulesFromJson(r.rules),
  templateKey: r.template_key,
  active: r.active,
  ...audit(r),
});

export const STAGE_COLUMNS = `s.id, s.name, s.sequence, s.folded, s.is_won, s.probability::text AS probability, s.requirements, s.team_id, s.pipeline_id,
  s.gates, s.version, s.created_at, s.updated_at, s.created_by, s.updated_by`;
export const toStage = (r: Row): Stage => ({
  id: r.id,
  name: r.name,
  sequence: r.sequence,
  folded: r.folded,
  isWon: r.is_won,
  probability: r.probability,
  requirements: r.requirements,
  teamId: r.team_id,
  pipelineId: r.pipeline_id,
  gates: gatesFromJson(r.gates),
  ...audit(r),
});

export const toLostReason = (r: Row): LostReason => ({ id: r.id, name: r.name, active: r.active, ...audit(r) });
export const toTag = (r: Row): Tag => ({ id: r.id, name: r.name, color: r.color, ...audit(r) });

/** The stages a pipeline's board shows: its own, plus (when it shares) the team's and everyone's. */
export const PIPELINE_STAGES_WHERE = `(s.pipeline_id = p.id OR (p.shared_stages AND s.pipeline_id IS NULL AND (s.team_id IS NULL OR s.team_id = p.team_id)))`;

export async function teamsByIds(q: Queryable, ids: readonly string[]): Promise<Team[]> {
  const rows: Row[] = await q.query(`SELECT ${TEAM_COLUMNS} FROM pipeline.team t WHERE t.id = ANY($1::uuid[])`, [[...ids]]);
  return rows.map(toTeam);
}

export async function pipelinesByIds(q: Queryable, ids: readonly string[]): Promise<Pipeline[]> {
  const rows: Row[] = await q.query(`SELECT ${PIPELINE_COLUMNS} FROM pipeline.pipeline p WHERE p.id = ANY($1::uuid[])`, [[...ids]]);
  return rows.map(toPipeline);
}

export async function stagesByIds(q: Queryable, ids: readonly string[]): Promise<Stage[]> {
  const rows: Row[] = await q.query(`SELECT ${STAGE_COLUMNS} FROM pipeline.stage s WHERE s.id = ANY($1::uuid[])`, [[...ids]]);
  return rows.map(toStage);
}

/** Stages of several pipelines' boards, in order: pipelineId → stages. */
export async function stagesOfPipelines(q: Queryable, pipelineIds: readonly string[]): Promise<Map<string, Stage[]>> {
  const rows: Row[] = await q.query(
    `SELECT p.id AS board_pipeline_id, ${STAGE_COLUMNS}
       FROM pipeline.pipeline p JOIN pipeline.stage s ON ${PIPELINE_STAGES_WHERE}
      WHERE p.id = ANY($1::uuid[])
      ORDER BY s.sequence, s.id`,
    [[...pipelineIds]],
  );
  const out = new Map<string, Stage[]>(pipelineIds.map((id) => [id, []]));
  for (const r of rows) out.get(r.board_pipeline_id)?.push(toStage(r));
  return out;
}

export async function lostReasonsByIds(q: Queryable, ids: readonly string[]): Promise<LostReason[]> {
  const rows: Row[] = await q.query('SELECT * FROM pipeline.lost_reason WHERE id = ANY($1::uuid[])', [[...ids]]);
  return rows.map(toLostReason);
}

export async function tagsByIds(q: Queryable, ids: readonly string[]): Promise<Tag[]> {
  if (ids.length === 0) return [];
  const rows: Row[] = await q.query('SELECT * FROM pipeline.tag WHERE id = ANY($1::uuid[]) ORDER BY name, id', [[...ids]]);
  return rows.map(toTag);
}

/** The calendar date (UTC) rates are looked up for: the same for every reader and writer. */
export function rateDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The rate in force on `asOf` for each currency (value of one unit in the reference currency). */
export async function currentRates(q: Queryable, asOf: string, currencies?: readonly string[]): Promise<Map<string, CurrencyRate>> {
  const rows: Row[] = await q.query(
    `SELECT DISTINCT ON (currency) currency, valid_from::text AS valid_from, rate::text AS rate
       FROM pipeline.currency_rate
      WHERE valid_from <= $1::date ${currencies ? 'AND currency = ANY($2::text[])' : ''}
      ORDER BY currency, valid_from DESC`,
    currencies ? [asOf, [...currencies]] : [asOf],
  );
  return new Map(rows.map((r) => [r.currency as string, { currency: r.currency, validFrom: r.valid_from, rate: r.rate }]));
}

/** Event states of the configuration aggregates. */
const auditState = (a: Audit) => ({
  version: a.version,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
  createdBy: a.createdBy,
  updatedBy: a.updatedBy,
});

export function teamEventState(t: Team): { id: string } & Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    leaderId: t.leaderId,
    memberIds: t.memberIds,
    emailAlias: t.emailAlias,
    invoicingTarget: t.invoicingTarget,
    currency: t.currency,
    useLeads: t.useLeads,
    orderConfirmationMarksWon: t.orderConfirmationMarksWon,
    scoringFields: t.scoringFields,
    sequence: t.sequence,
    isDefault: t.isDefault,
    active: t.active,
    ...auditState(t),
  };
}

export function pipelineEventState(p: Pipeline): { id: string } & Record<string, unknown> {
  return {
    id: p.id,
    teamId: p.teamId,
    name: p.name,
    sequence: p.sequence,
    sharedStages: p.sharedStages,
    isDefault: p.isDefault,
    active: p.active,
    templateKey: p.templateKey,
    propertyDefinitions: p.propertyDefinitions,
    rules: p.rules,
    ...auditState(p),
  };
}

export function stageEventState(s: Stage): { id: string } & Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    sequence: s.sequence,
    folded: s.folded,
    isWon: s.isWon,
    probability: s.probability,
    requirements: s.requirements,
    teamId: s.teamId,
    pipelineId: s.pipelineId,
    gates: s.gates,
    ...auditState(s),
  };
}
