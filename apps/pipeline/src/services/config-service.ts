import type { DataSource } from 'typeorm';
import { requireRole, type AuthUser } from '@crm/auth';
import { badInput, invalidTransition } from '@crm/graphql';
import { envString, isUuid, uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { templateByKey } from '../config/templates';
import {
  currencyCode,
  validateColor,
  validateName,
  validateRate,
  validateSequence,
  validateStage,
  validateTeam,
  type StageInput,
  type TeamInput,
} from '../domain/config-input';
import { validateGates, type GatesInput } from '../domain/gates';
import { stateChanges as diff } from '../domain/opportunity';
import { NO_RULES, validatePipelineRules, type PipelineRulesInput } from '../domain/pipeline-rules';
import { validatePropertyDefinitions, type PropertyDefinitionInput } from '../domain/properties';
import { DEFAULT_SCORING_VARIABLES } from '../domain/scoring';
import {
  PIPELINE_COLUMNS,
  STAGE_COLUMNS,
  TEAM_COLUMNS,
  currentRates,
  rateDate,
  lostReasonsByIds,
  pipelineEventState,
  pipelinesByIds,
  stageEventState,
  stagesByIds,
  stagesOfPipelines,
  tagsByIds,
  teamEventState,
  teamsByIds,
  toLostReason,
  toPipeline,
  toStage,
  toTag,
  toTeam,
  type CurrencyRate,
  type LostReason,
  type Pipeline,
  type Queryable,
  type Stage,
  type Tag,
  type Team,
} from '../repositories/config-rows';
import { checkVersion, created, emit, existingId, inTransaction, required, touched, type Tx } from './support';

export interface PipelineInput {
  teamId?: string | null;
  name?: string | null;
  sequence?: number | null;
  sharedStages?: boolean | null;
  isDefault?: boolean | null;
  active?: boolean | null;
  templateKey?: string | null;
  propertyDefinitions?: PropertyDefinitionInput[] | null;
  rules?: PipelineRulesInput | null;
}

/**
 * Sales teams, their pipelines, stages (with gates), lost reasons, tags and currency rates.
 * Anyone signed in reads them; only administrators change them.
 */
export class ConfigService {
  readonly defaultCurrency = envString('DEFAULT_CURRENCY', 'IDR').toUpperCase();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  private admin(ctx: BaseContext): AuthUser {
    return requireRole(ctx, ['admin']);
  }

  private tx<T>(ctx: BaseContext, work: (tx: Tx) => Promise<T>): Promise<T> {
    const user = this.admin(ctx);
    return inTransaction(this.dataSource, { now: this.clock.now(), user, traceparent: ctx.traceparent }, async (tx) => {
      const result = await work(tx);
      // Every process's configuration cache reads again.
      await tx.manager.query('UPDATE pipeline.config_version SET version = version + 1');
      return result;
    });
  }

  // ── reads ────────────────────────────────────────────────────────────────

  async listTeams(includeArchived: boolean): Promise<Team[]> {
    const rows = await this.dataSource.query(
      `SELECT ${TEAM_COLUMNS} FROM pipeline.team t ${includeArchived ? '' : 'WHERE t.active'} ORDER BY t.is_default DESC, t.sequence, t.name, t.id`,
    );
    return rows.map(toTeam);
  }

  teamsByIds(ids: readonly string[]): Promise<Team[]> {
    return teamsByIds(this.dataSource, ids);
  }

  async defaultTeam(q: Queryable = this.dataSource): Promise<Team> {
    const rows = await q.query(`SELECT ${TEAM_COLUMNS} FROM pipeline.team t ORDER BY t.is_default DESC, t.active DESC, t.sequence, t.id LIMIT 1`);
    if (!rows[0]) throw new Error('no sales team configured');
    return toTeam(rows[0]);
  }

  /** Pipelines of teams: teamId → pipelines in order. */
  async pipelinesOfTeams(teamIds: readonly string[], includeArchived = false): Promise<Map<string, Pipeline[]>> {
    const rows = await this.dataSource.query(
      `SELECT ${PIPELINE_COLUMNS} FROM pipeline.pipeline p WHERE p.team_id = ANY($1::uuid[]) ${includeArchived ? '' : 'AND p.active'}
        ORDER BY p.is_default DESC, p.sequence, p.name, p.id`,
      [[...teamIds]],
    );
    const out = new Map<string, Pipeline[]>(teamIds.map((id) => [id, []]));
    for (const r of rows) out.get(r.team_id)?.push(toPipeline(r));
    return out;
  }

  pipelinesByIds(ids: readonly string[]): Promise<Pipeline[]> {
    return pipelinesByIds(this.dataSource, ids);
  }

  stagesOfPipelines(ids: readonly string[]): Promise<Map<string, Stage[]>> {
    return stagesOfPipelines(this.dataSource, ids);
  }

  stagesByIds(ids: readonly string[]): Promise<Stage[]> {
    return stagesByIds(this.dataSource, ids);
  }

  /** Stages of a pipeline's board, of a team (its own and the shared ones), or all. */
  async listStages(filter: { teamId?: string | null; pipelineId?: string | null }): Promise<Stage[]> {
    if (filter.pipelineId) return (await stagesOfPipelines(this.dataSource, [filter.pipelineId])).get(filter.pipelineId) ?? [];
    const rows = filter.teamId
      ? await this.dataSource.query(
          `SELECT ${STAGE_COLUMNS} FROM pipeline.stage s WHERE s.team_id IS NULL OR s.team_id = $1 ORDER BY s.sequence, s.id`,
          [filter.teamId],
        )
      : await this.dataSource.query(`SELECT ${STAGE_COLUMNS} FROM pipeline.stage s ORDER BY s.sequence, s.id`);
    return rows.map(toStage);
  }

  async listLostReasons(includeArchived: boolean): Promise<LostReason[]> {
    const rows = await this.dataSource.query(`SELECT * FROM pipeline.lost_reason ${includeArchived ? '' : 'WHERE active'} ORDER BY name, id`);
    return rows.map(toLostReason);
  }

  lostReasonsByIds(ids: readonly string[]): Promise<LostReason[]> {
    return lostReasonsByIds(this.dataSource, ids);
  }

  async listTags(): Promise<Tag[]> {
    const rows = await this.dataSource.query('SELECT * FROM pipeline.tag ORDER BY name, id');
    return rows.map(toTag);
  }

  tagsByIds(ids: readonly string[]): Promise<Tag[]> {
    return tagsByIds(this.dataSource, ids);
  }

  async listRates(): Promise<CurrencyRate[]> {
    return [...(await currentRates(this.dataSource, rateDate(this.clock.now()))).values()];
  }

  // ── teams ────────────────────────────────────────────────────────────────

  private async requireRate(q: Queryable, currency: string, field = 'currency'): Promise<void> {
    if (!(await currentRates(q, rateDate(this.clock.now()), [currency])).has(currency)) {
      throw badInput(field, `no rate is known for ${currency}; add one with setCurrencyRate first`);
    }
  }

  private async saveTeam(tx: Tx, t: Team, isNew: boolean): Promise<void> {
    const values = [
      t.id, t.name, t.leaderId, t.memberIds, t.emailAlias, t.invoicingTarget, t.currency, t.useLeads, t.scoringFields, t.sequence,
      t.isDefault, t.active, t.version, t.createdAt, t.updatedAt, t.createdBy, t.updatedBy, t.orderConfirmationMarksWon,
    ];
    if (t.emailAlias) {
      const taken = await tx.manager.query('SELECT 1 FROM pipeline.team WHERE email_alias = $1 AND id <> $2', [t.emailAlias, t.id]);
      if (taken.length) throw badInput('emailAlias', `the alias "${t.emailAlias}" belongs to another team`);
    }
    if (t.isDefault) {
      const others = await tx.manager.query(`SELECT ${TEAM_COLUMNS} FROM pipeline.team t WHERE t.is_default AND t.id <> $1 FOR UPDATE`, [t.id]);
      for (const other of others.map(toTeam)) {
        const next = touched(tx, { ...other, isDefault: false });
        await tx.manager.query('UPDATE pipeline.team SET is_default = false, version = $2, updated_at = $3, updated_by = $4 WHERE id = $1', [
          next.id, next.version, next.updatedAt, next.updatedBy,
        ]);
        emit(tx, 'team', 'updated', teamEventState(next), { changes: { isDefault: { from: true, to: false } } });
      }
    }
    if (isNew) {
      await tx.manager.query(
        `INSERT INTO pipeline.team (id, name, leader_id, member_ids, email_alias, invoicing_target, currency, use_leads, scoring_fields, sequence,
           is_default, active, version, created_at, updated_at, created_by, updated_by, order_confirmation_marks_won)
         VALUES ($1, $2, $3, $4::uuid[], $5, $6, $7, $8, $9::text[], $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        values,
      );
    } else {
      await tx.manager.query(
        `UPDATE pipeline.team SET name = $2, leader_id = $3, member_ids = $4::uuid[], email_alias = $5, invoicing_target = $6, currency = $7,
           use_leads = $8, scoring_fields = $9::text[], sequence = $10, is_default = $11, active = $12, version = $13, updated_at = $14,
           updated_by = $15, order_confirmation_marks_won = $16
         WHERE id = $1`,
        [
          t.id, t.name, t.leaderId, t.memberIds, t.emailAlias, t.invoicingTarget, t.currency, t.useLeads, t.scoringFields, t.sequence,
          t.isDefault, t.active, t.version, t.updatedAt, t.updatedBy, t.orderConfirmationMarksWon,
        ],
      );
    }
  }

  async createTeam(input: TeamInput, ctx: BaseContext): Promise<Team> {
    const fields = validateTeam(input);
    if (!fields.name) throw badInput('name', 'name must not be empty');
    return this.tx(ctx, async (tx) => {
      const team: Team = {
        id: uuidv7(tx.now.getTime()),
        name: fields.name!,
        leaderId: fields.leaderId ?? null,
        memberIds: fields.memberIds ?? [],
        emailAlias: fields.emailAlias ?? null,
        invoicingTarget: fields.invoicingTarget ?? null,
        currency: fields.currency ?? this.defaultCurrency,
        useLeads: fields.useLeads ?? false,
        orderConfirmationMarksWon: fields.orderConfirmationMarksWon ?? false,
        scoringFields: fields.scoringFields ?? [...DEFAULT_SCORING_VARIABLES],
        sequence: fields.sequence ?? 10,
        isDefault: fields.isDefault ?? false,
        active: fields.active ?? true,
        ...created(tx),
      };
      await this.requireRate(tx.manager, team.currency);
      await this.saveTeam(tx, team, true);
      emit(tx, 'team', 'created', teamEventState(team));
      // Every team starts with a pipeline of its own name, on the shared stages.
      await this.insertPipeline(tx, { teamId: team.id, name: team.name, sequence: 10, sharedStages: true, isDefault: true, propertyDefinitions: [], rules: NO_RULES, templateKey: null });
      return team;
    });
  }

  async updateTeam(input: TeamInput & { id: string; expectedVersion?: number | null }, ctx: BaseContext): Promise<Team> {
    const fields = validateTeam(input);
    return this.tx(ctx, async (tx) => {
      const rows = await tx.manager.query(`SELECT ${TEAM_COLUMNS} FROM pipeline.team t WHERE t.id = $1 FOR UPDATE`, [existingId(input.id, 'SalesTeam')]);
      const before = toTeam(required(rows[0], 'SalesTeam', input.id));
      checkVersion('SalesTeam', before.id, input.expectedVersion, before.version);
      if (fields.isDefault === false && before.isDefault) throw badInput('isDefault', 'make another team the default instead');
      if (fields.active === false && (fields.isDefault ?? before.isDefault)) throw badInput('active', 'the default team cannot be archived');
      const after = touched(tx, { ...before, ...fields } as Team);
      if (fields.currency) await this.requireRate(tx.manager, after.currency);
      await this.saveTeam(tx, after, false);
      emit(tx, 'team', 'updated', teamEventState(after), { changes: diff(teamEventState(before), teamEventState(after)) });
      return after;
    });
  }

  // ── pipelines ────────────────────────────────────────────────────────────

  private async insertPipeline(
    tx: Tx,
    p: Pick<Pipeline, 'teamId' | 'name' | 'sequence' | 'sharedStages' | 'isDefault' | 'propertyDefinitions' | 'rules' | 'templateKey'>,
  ): Promise<Pipeline> {
    const pipeline: Pipeline = { id: uuidv7(tx.now.getTime()), active: true, ...p, ...created(tx) };
    if (pipeline.isDefault) await this.clearDefaultPipeline(tx, pipeline.teamId, pipeline.id);
    await tx.manager.query(
      `INSERT INTO pipeline.pipeline (id, team_id, name, sequence, shared_stages, is_default, property_definitions, template_key, active,
         version, created_at, updated_at, created_by, updated_by, rules)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14, $15::jsonb)`,
      [
        pipeline.id, pipeline.teamId, pipeline.name, pipeline.sequence, pipeline.sharedStages, pipeline.isDefault,
        JSON.stringify(pipeline.propertyDefinitions), pipeline.templateKey, pipeline.active, pipeline.version, pipeline.createdAt,
        pipeline.updatedAt, pipeline.createdBy, pipeline.updatedBy, JSON.stringify(pipeline.rules),
      ],
    );
    emit(tx, 'pipeline', 'created', pipelineEventState(pipeline));
    return pipeline;
  }

  private async clearDefaultPipeline(tx: Tx, teamId: string, keepId: string): Promise<void> {
    const rows = await tx.manager.query(`SELECT ${PIPELINE_COLUMNS} FROM pipeline.pipeline p WHERE p.team_id = $1 AND p.is_default AND p.id <> $2 FOR UPDATE`, [
      teamId,
      keepId,
    ]);
    for (const before of rows.map(toPipeline)) {
      const after = touched(tx, { ...before, isDefault: false });
      await tx.manager.query('UPDATE pipeline.pipeline SET is_default = false, version = $2, updated_at = $3, updated_by = $4 WHERE id = $1', [
        after.id, after.version, after.updatedAt, after.updatedBy,
      ]);
      emit(tx, 'pipeline', 'updated', pipelineEventState(after), { changes: { isDefault: { from: true, to: false } } });
    }
  }

  async createPipeline(input: PipelineInput, ctx: BaseContext): Promise<Pipeline> {
    this.admin(ctx);
    const template = input.templateKey ? templateByKey(input.templateKey) : undefined;
    if (input.templateKey && !template) throw badInput('templateKey', `there is no pipeline template "${input.templateKey}"`);
    if (!input.teamId) throw badInput('teamId', 'a pipeline belongs to a team');
    if (!isUuid(input.teamId)) throw badInput('teamId', `${input.teamId} is not an id`);
    const name = input.name != null ? validateName(input.name) : template ? template.name : validateName(input.name);
    const propertyDefinitions = input.propertyDefinitions ? validatePropertyDefinitions(input.propertyDefinitions) : (template?.propertyDefinitions ?? []);
    const sequence = input.sequence != null ? validateSequence(input.sequence) : 10;
    return this.tx(ctx, async (tx) => {
      const [team] = await teamsByIds(tx.manager, [input.teamId!]);
      if (!team) throw badInput('teamId', `sales team ${input.teamId} not found`);
      const pipeline = await this.insertPipeline(tx, {
        teamId: team.id,
        name,
        sequence,
        sharedStages: input.sharedStages ?? !template,
        isDefault: input.isDefault ?? false,
        propertyDefinitions,
        rules: input.rules ? validatePipelineRules(input.rules, propertyDefinitions) : input.propertyDefinitions ? NO_RULES : (template?.rules ?? NO_RULES),
        templateKey: template?.key ?? null,
      });
      for (const s of template?.stages ?? []) {
        await this.insertStage(tx, { ...s, teamId: team.id, pipelineId: pipeline.id });
      }
      for (const reason of template?.lostReasons ?? []) {
        await tx.manager.query(
          `INSERT INTO pipeline.lost_reason (id, name, created_at, updated_at, created_by, updated_by) VALUES ($1, $2, $3, $3, $4, $4)
           ON CONFLICT ((lower(name))) DO NOTHING`,
          [uuidv7(tx.now.getTime()), reason, tx.now, tx.user.id],
        );
      }
      return pipeline;
    });
  }

  async updatePipeline(input: PipelineInput & { id: string; expectedVersion?: number | null }, ctx: BaseContext): Promise<Pipeline> {
    this.admin(ctx);
    const changes: Partial<Pipeline> = {};
    if (input.name !== undefined) changes.name = validateName(input.name);
    if (input.sequence !== undefined) changes.sequence = validateSequence(input.sequence);
    if (input.sharedStages != null) changes.sharedStages = input.sharedStages;
    if (input.active != null) changes.active = input.active;
    if (input.isDefault != null) changes.isDefault = input.isDefault;
    if (input.propertyDefinitions != null) changes.propertyDefinitions = validatePropertyDefinitions(input.propertyDefinitions);
    const rulesInput = input.rules;
    return this.tx(ctx, async (tx) => {
      const rows = await tx.manager.query(`SELECT ${PIPELINE_COLUMNS} FROM pipeline.pipeline p WHERE p.id = $1 FOR UPDATE`, [existingId(input.id, 'Pipeline')]);
      const before = toPipeline(required(rows[0], 'Pipeline', input.id));
      checkVersion('Pipeline', before.id, input.expectedVersion, before.version);
      if (changes.isDefault === false && before.isDefault) throw badInput('isDefault', 'make another pipeline of the team the default instead');
      if (changes.active === false && (changes.isDefault ?? before.isDefault)) throw badInput('active', "the team's default pipeline cannot be archived");
      if (changes.propertyDefinitions) {
        const keys = new Set(changes.propertyDefinitions.map((d) => d.key));
        const own = await tx.manager.query(`SELECT ${STAGE_COLUMNS} FROM pipeline.stage s WHERE s.pipeline_id = $1`, [before.id]);
        for (const stage of own.map(toStage) as Stage[]) {
          const g = stage.gates;
          const named = [...g.requiredFields, ...(g.editableFields ?? []), ...g.lockedFields, ...g.lockedAfterFields, ...g.computedDefaults.flatMap((c) => [c.field, c.from])];
          const missing = named.find((f) => f.startsWith('properties.') && !keys.has(f.slice('properties.'.length)));
          if (missing) throw badInput('propertyDefinitions', `stage ${stage.name} still names ${missing}`);
        }
      }
      const definitions = changes.propertyDefinitions ?? before.propertyDefinitions;
      // New rules are checked against the (new) fields; kept rules must still name fields that exist.
      if (rulesInput != null) changes.rules = validatePipelineRules(rulesInput, definitions);
      else if (changes.propertyDefinitions) validatePipelineRules(before.rules, definitions, 'propertyDefinitions');
      const after = touched(tx, { ...before, ...changes });
      if (after.isDefault && !before.isDefault) await this.clearDefaultPipeline(tx, after.teamId, after.id);
      await tx.manager.query(
        `UPDATE pipeline.pipeline SET name = $2, sequence = $3, shared_stages = $4, is_default = $5, property_definitions = $6::jsonb, active = $7,
           version = $8, updated_at = $9, updated_by = $10, rules = $11::jsonb WHERE id = $1`,
        [
          after.id, after.name, after.sequence, after.sharedStages, after.isDefault, JSON.stringify(after.propertyDefinitions), after.active, after.version,
          after.updatedAt, after.updatedBy, JSON.stringify(after.rules),
        ],
      );
      emit(tx, 'pipeline', 'updated', pipelineEventState(after), { changes: diff(pipelineEventState(before), pipelineEventState(after)) });
      return after;
    });
  }

  // ── stages ───────────────────────────────────────────────────────────────

  private async insertStage(tx: Tx, s: Omit<Stage, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'createdBy' | 'updatedBy'>): Promise<Stage> {
    const stage: Stage = { id: uuidv7(tx.now.getTime()), ...s, ...created(tx) };
    await tx.manager.query(
      `INSERT INTO pipeline.stage (id, name, sequence, folded, is_won, probability, requirements, team_id, pipeline_id, gates, version, created_at,
         updated_at, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15)`,
      [
        stage.id, stage.name, stage.sequence, stage.folded, stage.isWon, stage.probability, stage.requirements, stage.teamId, stage.pipelineId,
        JSON.stringify(stage.gates), stage.version, stage.createdAt, stage.updatedAt, stage.createdBy, stage.updatedBy,
      ],
    );
    emit(tx, 'stage', 'created', stageEventState(stage));
    return stage;
  }

  /** The team and pipeline a stage belongs to, checked; property types for its gates (null: shared by pipelines). */
  private async stageOwner(tx: Tx, teamId: string | null, pipelineId: string | null): Promise<{ teamId: string | null; pipelineId: string | null; types: Record<string, string> | null }> {
    if (pipelineId) {
      const [pipeline] = await pipelinesByIds(tx.manager, [pipelineId]);
      if (!pipeline) throw badInput('pipelineId', `pipeline ${pipelineId} not found`);
      if (teamId && teamId !== pipeline.teamId) throw badInput('teamId', 'the pipeline belongs to another team');
      return { teamId: pipeline.teamId, pipelineId, types: Object.fromEntries(pipeline.propertyDefinitions.map((d) => [d.key, d.type])) };
    }
    if (teamId && !(await teamsByIds(tx.manager, [teamId])).length) throw badInput('teamId', `sales team ${teamId} not found`);
    return { teamId, pipelineId: null, types: null };
  }

  async createStage(input: StageInput & { gates?: GatesInput | null }, ctx: BaseContext): Promise<Stage> {
    this.admin(ctx);
    const fields = validateStage(input);
    if (!fields.name) throw badInput('name', 'name must not be empty');
    return this.tx(ctx, async (tx) => {
      const owner = await this.stageOwner(tx, fields.teamId ?? null, fields.pipelineId ?? null);
      return this.insertStage(tx, {
        name: fields.name!,
        sequence: fields.sequence ?? 1,
        folded: fields.folded ?? false,
        isWon: fields.isWon ?? false,
        probability: fields.probability ?? (fields.isWon ? '100.00' : '10.00'),
        requirements: fields.requirements ?? null,
        teamId: owner.teamId,
        pipelineId: owner.pipelineId,
        gates: validateGates(input.gates ?? {}, owner.types),
      });
    });
  }

  async updateStage(input: StageInput & { id: string; expectedVersion?: number | null; gates?: GatesInput | null }, ctx: BaseContext): Promise<Stage> {
    this.admin(ctx);
    const fields = validateStage(input);
    if (fields.teamId !== undefined || fields.pipelineId !== undefined) {
      throw badInput(fields.teamId !== undefined ? 'teamId' : 'pipelineId', "a stage stays in its pipeline; create a new one instead");
    }
    return this.tx(ctx, async (tx) => {
      const rows = await tx.manager.query(`SELECT ${STAGE_COLUMNS} FROM pipeline.stage s WHERE s.id = $1 FOR UPDATE`, [existingId(input.id, 'Stage')]);
      const before = toStage(required(rows[0], 'Stage', input.id));
      checkVersion('Stage', before.id, input.expectedVersion, before.version);
      const owner = await this.stageOwner(tx, before.teamId, before.pipelineId);
      const gates = input.gates != null ? validateGates(input.gates, owner.types) : before.gates;
      const after = touched(tx, { ...before, ...fields, gates } as Stage);
      await tx.manager.query(
        `UPDATE pipeline.stage SET name = $2, sequence = $3, folded = $4, is_won = $5, probability = $6, requirements = $7, gates = $8::jsonb,
           version = $9, updated_at = $10, updated_by = $11 WHERE id = $1`,
        [after.id, after.name, after.sequence, after.folded, after.isWon, after.probability, after.requirements, JSON.stringify(after.gates), after.version, after.updatedAt, after.updatedBy],
      );
      emit(tx, 'stage', 'updated', stageEventState(after), { changes: diff(stageEventState(before), stageEventState(after)) });
      return after;
    });
  }

  async deleteStage(input: { id: string }, ctx: BaseContext): Promise<Stage> {
    return this.tx(ctx, async (tx) => {
      const rows = await tx.manager.query(`SELECT ${STAGE_COLUMNS} FROM pipeline.stage s WHERE s.id = $1 FOR UPDATE`, [existingId(input.id, 'Stage')]);
      const stage = toStage(required(rows[0], 'Stage', input.id));
      const [{ count }] = await tx.manager.query('SELECT count(*)::int AS count FROM pipeline.opportunity WHERE stage_id = $1', [stage.id]);
      if (count > 0) throw invalidTransition(`stage ${stage.name} still holds ${count} lead(s)/opportunities; move them first`, { count });
      await tx.manager.query('DELETE FROM pipeline.stage WHERE id = $1', [stage.id]);
      emit(tx, 'stage', 'deleted', stageEventState(stage));
      return stage;
    });
  }

  // ── lost reasons, tags, rates ────────────────────────────────────────────

  private async uniqueName(tx: Tx, table: 'lost_reason' | 'tag', name: string, id: string | null): Promise<void> {
    const taken = await tx.manager.query(`SELECT 1 FROM pipeline.${table} WHERE lower(name) = lower($1) AND id IS DISTINCT FROM $2::uuid`, [name, id]);
    if (taken.length) throw badInput('name', `"${name}" exists already`);
  }

  async createLostReason(input: { name?: string | null }, ctx: BaseContext): Promise<LostReason> {
    const name = validateName(input.name);
    return this.tx(ctx, async (tx) => {
      await this.uniqueName(tx, 'lost_reason', name, null);
      const reason: LostReason = { id: uuidv7(tx.now.getTime()), name, active: true, ...created(tx) };
      await tx.manager.query(
        'INSERT INTO pipeline.lost_reason (id, name, active, version, created_at, updated_at, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [reason.id, reason.name, reason.active, reason.version, reason.createdAt, reason.updatedAt, reason.createdBy, reason.updatedBy],
      );
      return reason;
    });
  }

  async updateLostReason(input: { id: string; name?: string | null; active?: boolean | null; expectedVersion?: number | null }, ctx: BaseContext): Promise<LostReason> {
    const name = input.name !== undefined ? validateName(input.name) : undefined;
    return this.tx(ctx, async (tx) => {
      const rows = await tx.manager.query('SELECT * FROM pipeline.lost_reason WHERE id = $1 FOR UPDATE', [existingId(input.id, 'LostReason')]);
      const before = toLostReason(required(rows[0], 'LostReason', input.id));
      checkVersion('LostReason', before.id, input.expectedVersion, before.version);
      if (name) await this.uniqueName(tx, 'lost_reason', name, before.id);
      const after = touched(tx, { ...before, name: name ?? before.name, active: input.active ?? before.active });
      await tx.manager.query('UPDATE pipeline.lost_reason SET name = $2, active = $3, version = $4, updated_at = $5, updated_by = $6 WHERE id = $1', [
        after.id, after.name, after.active, after.version, after.updatedAt, after.updatedBy,
      ]);
      return after;
    });
  }

  async createTag(input: { name?: string | null; color?: number | null }, ctx: BaseContext): Promise<Tag> {
    const name = validateName(input.name);
    const color = validateColor(input.color);
    return this.tx(ctx, async (tx) => {
      await this.uniqueName(tx, 'tag', name, null);
      const tag: Tag = { id: uuidv7(tx.now.getTime()), name, color, ...created(tx) };
      await tx.manager.query(
        'INSERT INTO pipeline.tag (id, name, color, version, created_at, updated_at, created_by, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [tag.id, tag.name, tag.color, tag.version, tag.createdAt, tag.updatedAt, tag.createdBy, tag.updatedBy],
      );
      return tag;
    });
  }

  async updateTag(input: { id: string; name?: string | null; color?: number | null; expectedVersion?: number | null }, ctx: BaseContext): Promise<Tag> {
    const name = input.name !== undefined ? validateName(input.name) : undefined;
    const color = input.color !== undefined ? validateColor(input.color) : undefined;
    return this.tx(ctx, async (tx) => {
      const rows = await tx.manager.query('SELECT * FROM pipeline.tag WHERE id = $1 FOR UPDATE', [existingId(input.id, 'OpportunityTag')]);
      const before = toTag(required(rows[0], 'OpportunityTag', input.id));
      checkVersion('OpportunityTag', before.id, input.expectedVersion, before.version);
      if (name) await this.uniqueName(tx, 'tag', name, before.id);
      const after = touched(tx, { ...before, name: name ?? before.name, color: color ?? before.color });
      await tx.manager.query('UPDATE pipeline.tag SET name = $2, color = $3, version = $4, updated_at = $5, updated_by = $6 WHERE id = $1', [
        after.id, after.name, after.color, after.version, after.updatedAt, after.updatedBy,
      ]);
      return after;
    });
  }

  async setCurrencyRate(input: { currency?: string | null; rate?: string | null; validFrom?: string | null }, ctx: BaseContext): Promise<CurrencyRate> {
    requireRole(ctx, ['admin']);
    const rate = validateRate(input, rateDate(this.clock.now()));
    return this.tx(ctx, async (tx) => {
      await tx.manager.query(
        `INSERT INTO pipeline.currency_rate (currency, valid_from, rate, created_at, created_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (currency, valid_from) DO UPDATE SET rate = EXCLUDED.rate, created_at = EXCLUDED.created_at, created_by = EXCLUDED.created_by`,
        [rate.currency, rate.validFrom, rate.rate, tx.now, tx.user.id],
      );
      // Reporting converts with the same rates: it keeps a copy from these events.
      emit(tx, 'currency_rate', 'set', { id: rate.currency, currency: rate.currency, rate: rate.rate, validFrom: rate.validFrom });
      return { currency: rate.currency, validFrom: rate.validFrom, rate: rate.rate };
    });
  }

  /** For input checks elsewhere: the currency has a rate. */
  async assertKnownCurrency(q: Queryable, currency: string, field = 'currency'): Promise<void> {
    await this.requireRate(q, currencyCode(currency, field), field);
  }
}

