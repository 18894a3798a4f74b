import type { DataSource, EntityManager } from 'typeorm';
import { appendToOutbox } from '@crm/messaging';
import { GraphQLError } from 'graphql';
import { canSee, requireRole, requireUser, resolveBranch, type AuthUser } from '@crm/auth';
import { badInput, invalidTransition, notFound } from '@crm/graphql';
import { isUuid, uuidv7, type Clock } from '@crm/runtime';
import type { BaseContext } from '@crm/service';
import { assertCanEnter, assertCanLeave, assertEditable, computeDefaults, lockReason, type GateStage } from '../domain/gates';
import * as lifecycle from '../domain/lifecycle';
import { mergeFields, sortByConfidence } from '../domain/merge';
import { opportunityEventState, readField, type Opportunity } from '../domain/opportunity';
import { namedFields, validateOpportunityFields, type OpportunityFields, type OpportunityFieldsInput } from '../domain/opportunity-input';
import { automatedProbability, effectiveProbability, proratedRevenue } from '../domain/probability';
import { assertLeadComplete, assertLostReason, assertRestorable, autoValuesFor } from '../domain/pipeline-rules';
import { applyPropertyPatch, keepDefined, normalizePropertyValue } from '../domain/properties';
import type { Placement } from '../domain/ranks';
import { currentRates, rateDate, type Pipeline, type Stage, type Team } from '../repositories/config-rows';
import { OPPORTUNITY_COLUMNS, lockOpportunities, toOpportunity } from '../repositories/opportunity-rows';
import type { ConfigCache } from './config-cache';
import type { ContactsClient } from './contacts-client';
import { nextNumber, persist, placeInColumn, type EventSpec } from './opportunity-store';
import { SCORING_INPUTS, rebuildTable, type ScoringRepository } from './scoring-service';
import { SCHEMA, SYSTEM_USER, checkVersion, emit, inTransaction, touched, type Tx } from './support';
import { Workspace } from './workspace';

export interface UpdateOpportunityInput extends OpportunityFieldsInput {
  id: string;
  expectedVersion?: number | null;
  /** Back to the automated probability. */
  resetProbability?: boolean | null;
}

export interface MoveOpportunityInput {
  id: string;
  stageId: string;
  beforeId?: string | null;
  afterId?: string | null;
  expectedVersion?: number | null;
  /** Custom field values to set with the move (e.g. the follow-up date a stage requires). */
  properties?: { key: string; value?: string | null }[] | null;
}

export interface RefInput {
  id: string;
  expectedVersion?: number | null;
}

export interface MarkLostInput extends RefInput {
  lostReasonId?: string | null;
  lostFeedback?: string | null;
}

export interface AssignInput extends RefInput {
  salespersonId?: string | null;
  teamId?: string | null;
  pipelineId?: string | null;
}

export interface ConvertInput extends RefInput {
  /** EXISTING (customerId), CREATE (from the lead's contact fields) or NONE. */
  customer?: { action: 'EXISTING' | 'CREATE' | 'NONE'; customerId?: string | null } | null;
  mergeWithIds?: string[] | null;
  salespersonId?: string | null;
  teamId?: string | null;
}

type Assignment = { salespersonId?: string | null; teamId?: string | null; pipelineId?: string | null };

const SCORING_KEYS = new Set<string>(SCORING_INPUTS as string[]);

/** Pipeline property keys filled from the chosen customer's master data (contact_copy column). */
const CUSTOMER_MASTER_PROPERTIES: Record<string, string> = { nationalId: 'national_id', street: 'street', city: 'city', occupation: 'occupation_name' };

function gateStages(stages: readonly Stage[]): GateStage[] {
  return stages.map((s) => ({ id: s.id, name: s.name, sequence: s.sequence, gates: s.gates }));
}

function firstOpenStage(stages: readonly Stage[]): Stage | undefined {
  return stages.find((s) => !s.folded && !s.isWon) ?? stages.find((s) => !s.isWon) ?? stages[0];
}

/** Adds `index`/`id` to an error raised for one item of a bulk change. */
function atItem(error: unknown, index: number, id: string): unknown {
  if (error instanceof GraphQLError) {
    return new GraphQLError(`ids.${index} (${id}): ${error.message}`, { extensions: { ...error.extensions, index, id } });
  }
  return error;
}

/**
 * Use cases of leads and opportunities. Each runs in one transaction: rows locked, rules
 * checked (visibility, version, state machine, stage gates), the change and its events
 * written together; on any error nothing is written.
 */
export class OpportunityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly scoring: ScoringRepository,
    private readonly contacts: ContactsClient,
    private readonly cache: ConfigCache | null = null,
  ) {}

  private run<T>(ctx: BaseContext, work: (ws: Workspace) => Promise<T>): Promise<T> {
    const user = requireUser(ctx);
    return inTransaction(this.dataSource, { now: this.clock.now(), user, traceparent: ctx.traceparent }, (tx: Tx) =>
      work(new Workspace(tx, this.scoring, this.cache)),
    );
  }

  // ── reading for a change ────────────────────────────────────────────────

  /** Locks one row for a change; with `columnTopOf`, the top of that stage's column is read in the same trip. */
  private async lock(ws: Workspace, id: string, expectedVersion?: number | null, columnTopOf?: string): Promise<Opportunity> {
    if (!isUuid(id)) throw notFound('Opportunity', id);
    const locked = await lockOpportunities(ws.manager, [id], columnTopOf);
    ws.observe(locked);
    const o = locked.rows.get(id.toLowerCase());
    if (!o || !canSee(ws.tx.user, { owner: o.salespersonId, team: o.teamId, branch: o.branchId })) throw notFound('Opportunity', id);
    checkVersion('Opportunity', o.id, expectedVersion, o.version);
    return o;
  }

  private async lockMany(ws: Workspace, ids: readonly string[], field = 'ids'): Promise<Opportunity[]> {
    if (ids.length === 0) throw badInput(field, 'name at least one lead or opportunity');
    if (ids.length > 500) throw badInput(field, 'at most 500 at a time');
    ids.forEach((id, i) => {
      if (!isUuid(id)) throw badInput(`${field}.${i}`, `${id} is not an id`);
    });
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    const locked = await lockOpportunities(ws.manager, unique);
    ws.observe(locked);
    const found = locked.rows;
    return unique.map((id) => {
      const o = found.get(id);
      if (!o || !canSee(ws.tx.user, { owner: o.salespersonId, team: o.teamId, branch: o.branchId })) throw notFound('Opportunity', id);
      return o;
    });
  }

  // ── shared steps ────────────────────────────────────────────────────────

  /** Probability, automated probability and prorated revenue after a change. */
  private async settle(ws: Workspace, o: Opportunity, rescore: boolean): Promise<void> {
    if (o.status === 'won') {
      Object.assign(o, { probability: '100.00', automatedProbability: '100.00', probabilityManual: false });
    } else if (o.status === 'lost') {
      Object.assign(o, { probability: '0.00', automatedProbability: '0.00', probabilityManual: false });
    } else {
      if (rescore) {
        const stage = await ws.stage(o.pipelineId, o.stageId);
        // A lead has no stage: scored on its other fields (0 until its team has won and lost history).
        o.automatedProbability = automatedProbability(stage, stage || o.stageId === null ? await ws.score(o) : null);
      }
      o.probability = effectiveProbability({ status: o.status, manual: o.probabilityManual, manualValue: o.probability, automated: o.automatedProbability });
    }
    o.proratedRevenue = proratedRevenue(o.expectedRevenue, o.probability);
  }

  /** Applies validated fields (not stage/pipeline/team/salesperson) to `o`; returns the names that changed. */
  private async applyFields(ws: Workspace, o: Opportunity, fields: OpportunityFields): Promise<Set<string>> {
    const changed = new Set<string>();
    const set = <K extends keyof Opportunity>(key: K, value: Opportunity[K]) => {
      if (JSON.stringify(o[key]) !== JSON.stringify(value)) {
        o[key] = value;
        changed.add(key);
      }
    };
    for (const key of [
      'name', 'customerId', 'contactName', 'companyName', 'email', 'phone', 'countryCode', 'priority', 'expectedRevenue',
      'expectedClosing', 'description', 'campaign', 'medium', 'source', 'referredBy',
    ] as const) {
      if (fields[key] !== undefined) set(key, fields[key] as never);
    }
    if (fields.currency !== undefined && fields.currency !== o.currency) {
      if (!(await currentRates(ws.manager, rateDate(ws.tx.now), [fields.currency])).has(fields.currency)) {
        throw badInput('currency', `${fields.currency} is not a known currency (no rate); an administrator adds it with setCurrencyRate`);
      }
      set('currency', fields.currency);
    }
    if (fields.tagIds !== undefined) {
      const { missing } = await ws.tagNames(fields.tagIds);
      if (missing.length) throw badInput(`tagIds.${fields.tagIds.indexOf(missing[0]!)}`, `tag ${missing[0]} not found`);
      set('tagIds', fields.tagIds);
    }
    if (fields.branchId !== undefined) {
      // libs/auth's rule, as in every subgraph: foreign → FORBIDDEN; null clears (head office only).
      set('branchId', resolveBranch(ws.tx.user, fields.branchId, { edit: true }));
    }
    if (fields.probability != null && o.status !== 'open') {
      // Won means 100 % and lost 0 % (as in Odoo); a typed value would be overridden at once.
      throw badInput('probability', `a ${o.status} opportunity's probability is ${o.status === 'won' ? 100 : 0} %; reopen it to type one`);
    }
    if (fields.probability !== undefined) {
      if (fields.probability === null) {
        if (o.probabilityManual) changed.add('probability');
        o.probabilityManual = false;
      } else {
        if (!o.probabilityManual || o.probability !== fields.probability) changed.add('probability');
        o.probabilityManual = true;
        o.probability = fields.probability;
      }
    }
    if (changed.has('customerId') && o.customerId) {
      // As Odoo fills the lead from its partner: the customer's e-mail, phone and country where the lead has none.
      const [contact] = await ws.manager.query(
        'SELECT email, phone, country_code, national_id, street, city, occupation_name FROM pipeline.contact_copy WHERE id = $1',
        [o.customerId],
      );
      if (contact) {
        if (fields.email === undefined && !o.email && contact.email) set('email', contact.email);
        if (fields.phone === undefined && !o.phone && contact.phone) set('phone', contact.phone);
        if (fields.countryCode === undefined && !o.countryCode && contact.country_code) set('countryCode', contact.country_code);
        // The customer-master fields of a pipeline that has them (the dealer's lead form: KTP, address,
        // occupation — the same keys a converted lead's new customer is created from).
        const definitions = (await ws.pipeline(o.pipelineId))?.propertyDefinitions ?? [];
        const given = new Set((fields.properties ?? []).map((p) => p.key));
        for (const [key, value] of Object.entries(CUSTOMER_MASTER_PROPERTIES).map(([k, column]) => [k, contact[column]] as const)) {
          const def = definitions.find((d) => d.key === key);
          if (!def || given.has(key) || o.properties[key] || !value) continue;
          let normalized: string | null;
          try {
            normalized = normalizePropertyValue(def, value, `properties.${key}`);
          } catch {
            continue; // e.g. an occupation the selection does not offer: left for the user to choose
          }
          if (normalized) {
            o.properties = { ...o.properties, [key]: normalized };
            changed.add(`properties.${key}`);
          }
        }
      }
    }
    if (fields.properties !== undefined) {
      const pipeline = await ws.pipeline(o.pipelineId);
      const { values, changed: keys } = applyPropertyPatch(o.properties, fields.properties, pipeline?.propertyDefinitions ?? []);
      o.properties = values;
      for (const key of keys) changed.add(`properties.${key}`);
    }
    return changed;
  }

  /** Computed defaults of the current stage (e.g. next follow-up = follow-up + 7 days). */
  private async applyComputedDefaults(ws: Workspace, o: Opportunity, changed: Set<string>, explicit: ReadonlySet<string>): Promise<void> {
    const stage = await ws.stage(o.pipelineId, o.stageId);
    if (!stage) return;
    const stages = gateStages(await ws.stages(o.pipelineId));
    for (const { field, value } of computeDefaults(gateStages([stage])[0]!, stages, (f) => readField(o, f), changed, explicit)) {
      if (field.startsWith('properties.')) o.properties = { ...o.properties, [field.slice('properties.'.length)]: value };
      else (o as unknown as Record<string, unknown>)[field] = value;
      changed.add(field);
    }
  }

  /**
   * The pipeline's rules after a change: values that set themselves once their fields are
   * filled (not over what the change names, nor what the stage locks), then a lead's required
   * fields (src/domain/pipeline-rules.ts).
   */
  private async applyPipelineRules(ws: Workspace, o: Opportunity, changed: Set<string>, explicit: ReadonlySet<string>, complete = true): Promise<void> {
    const pipeline = await ws.pipeline(o.pipelineId);
    if (!pipeline) return;
    const stage = await ws.stage(o.pipelineId, o.stageId);
    const stages = stage ? gateStages(await ws.stages(o.pipelineId)) : [];
    const gate = stage ? stages.find((s) => s.id === stage.id) : undefined;
    const locked = (field: string) => (gate ? lockReason(field, gate, stages) !== null : false);
    for (const { field, value } of autoValuesFor(pipeline.rules, (f) => readField(o, f), changed, explicit, locked)) {
      if (field.startsWith('properties.')) o.properties = { ...o.properties, [field.slice('properties.'.length)]: value };
      else if (field === 'priority') o.priority = Number(value);
      changed.add(field);
    }
    if (o.type === 'lead' && complete) assertLeadComplete(pipeline.rules, (f) => readField(o, f));
  }

  /** Stage gates: fields locked in the (current or target) stage, fields required to be in it. */
  private async checkGates(ws: Workspace, o: Opportunity, changed: readonly string[]): Promise<void> {
    const stage = await ws.stage(o.pipelineId, o.stageId);
    if (!stage) return;
    const stages = gateStages(await ws.stages(o.pipelineId));
    const gate = stages.find((s) => s.id === stage.id)!;
    assertEditable(changed, gate, stages);
    assertCanEnter(gate, (f) => readField(o, f));
  }

  /** Salesperson / team / pipeline changes, as Odoo follows them (the salesperson's team, the team's pipeline and first stage). */
  private async applyAssignment(ws: Workspace, o: Opportunity, a: Assignment): Promise<Set<string>> {
    const changed = new Set<string>();
    let teamId = a.teamId ?? undefined;
    if (a.teamId === null) throw badInput('teamId', 'a lead or opportunity always belongs to a sales team');
    if (a.salespersonId !== undefined && a.salespersonId !== o.salespersonId) {
      o.salespersonId = a.salespersonId;
      o.dateOpened = a.salespersonId ? ws.tx.now : null;
      changed.add('salespersonId');
      if (a.salespersonId && teamId === undefined) {
        const current = await ws.team(o.teamId);
        const member = current && (current.leaderId === a.salespersonId || current.memberIds.includes(a.salespersonId));
        if (!member) teamId = (await this.teamOfUser(ws, a.salespersonId))?.id;
      }
    }
    let pipeline: Pipeline | undefined;
    if (teamId !== undefined && teamId !== o.teamId) {
      const team = await ws.team(teamId);
      if (!team || !team.active) throw badInput('teamId', `sales team ${teamId} not found`);
      o.teamId = team.id;
      changed.add('teamId');
      pipeline = (await ws.teamPipelines(team.id))[0];
      if (!pipeline) throw badInput('teamId', `sales team ${team.name} has no pipeline`);
    }
    if (a.pipelineId) {
      pipeline = await ws.pipeline(a.pipelineId);
      if (!pipeline || !pipeline.active || pipeline.teamId !== o.teamId) throw badInput('pipelineId', "the pipeline is not one of the team's");
    }
    if (pipeline && pipeline.id !== o.pipelineId) {
      o.pipelineId = pipeline.id;
      o.properties = keepDefined(o.properties, pipeline.propertyDefinitions);
      changed.add('pipelineId');
      const stages = await ws.stages(pipeline.id);
      if (o.type === 'opportunity' && !stages.some((s) => s.id === o.stageId)) {
        const target = o.status === 'won' ? stages.find((s) => s.isWon) : firstOpenStage(stages);
        if (!target) throw badInput(a.pipelineId ? 'pipelineId' : 'teamId', `pipeline ${pipeline.name} has no ${o.status === 'won' ? 'won ' : ''}stage`);
        await this.enterStage(ws, o, target, { top: true });
      }
    }
    return changed;
  }

  private async teamOfUser(ws: Workspace, userId: string): Promise<Team | undefined> {
    const rows = await ws.manager.query(
      'SELECT id FROM pipeline.team WHERE active AND ($1::uuid = ANY(member_ids) OR leader_id = $1::uuid) ORDER BY sequence, id LIMIT 1',
      [userId],
    );
    return rows[0] ? ws.team(rows[0].id) : undefined;
  }

  /** Puts `o` in `stage` at `placement` (rank, last stage update). */
  private async enterStage(ws: Workspace, o: Opportunity, stage: Stage, placement: Placement): Promise<void> {
    o.rank = await placeInColumn(ws, o.pipelineId, stage.id, o.id, placement);
    if (o.stageId !== stage.id) {
      o.stageId = stage.id;
      o.dateLastStageUpdate = ws.tx.now;
    }
  }

  // ── create ──────────────────────────────────────────────────────────────

  async create(input: OpportunityFieldsInput, ctx: BaseContext, type: lifecycle.OpportunityType = 'opportunity'): Promise<Opportunity> {
    const fields = validateOpportunityFields(input);
    if (fields.name === undefined) throw badInput('name', 'name must not be empty');
    return this.run(ctx, (ws) => this.createIn(ws, fields, fields.type ?? type));
  }

  /**
   * Leads generated from sales and service history (src/services/history-import-service.ts),
   * in one transaction per batch: `work` creates each with `create`. They are created as the
   * system creates them: the lead form's required fields (and the first stage's) are for the
   * branch to fill in before its next save, as Odoo's generated leads wait for their Pekerjaan.
   */
  async generate<T>(
    user: AuthUser,
    traceparent: string | undefined,
    work: (create: (fields: OpportunityFields, type: lifecycle.OpportunityType) => Promise<Opportunity>, manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return inTransaction(this.dataSource, { now: this.clock.now(), user, traceparent }, (tx: Tx) => {
      const ws = new Workspace(tx, this.scoring, this.cache);
      return work((fields, type) => this.createIn(ws, fields, type, true), tx.manager);
    });
  }

  private async createIn(ws: Workspace, fields: OpportunityFields, type: lifecycle.OpportunityType, generated = false): Promise<Opportunity> {
    const { tx } = ws;
    const salespersonId = fields.salespersonId !== undefined ? fields.salespersonId : tx.user.id;
    const placement = await this.resolvePlacement(ws, fields, salespersonId, type);
    const { team, pipeline, stage } = placement;
    type = placement.type;
    const o: Opportunity = {
      id: uuidv7(tx.now.getTime()),
      type,
      number: null,
      name: fields.name!,
      customerId: null,
      contactName: null,
      companyName: null,
      email: null,
      phone: null,
      countryCode: null,
      salespersonId,
      teamId: team.id,
      pipelineId: pipeline.id,
      stageId: null,
      priority: 0,
      expectedRevenue: '0.00',
      currency: team.currency,
      probability: '0.00',
      automatedProbability: '0.00',
      probabilityManual: false,
      proratedRevenue: '0.00',
      expectedClosing: null,
      tagIds: [],
      description: null,
      campaign: null,
      medium: null,
      source: null,
      referredBy: null,
      status: 'open',
      lostReasonId: null,
      lostFeedback: null,
      active: true,
      dateOpened: salespersonId ? tx.now : null,
      dateClosed: null,
      dateLastStageUpdate: null,
      dateConversion: type === 'opportunity' ? tx.now : null,
      // Omitted → the user's branch (a several-branch user must choose); foreign → FORBIDDEN.
      branchId: resolveBranch(tx.user, fields.branchId),
      properties: {},
      rank: '0',
      version: 1,
      createdAt: tx.now,
      updatedAt: tx.now,
      createdBy: tx.user.id,
      updatedBy: tx.user.id,
    };
    const { teamId: _t, pipelineId: _p, stageId: _s, salespersonId: _u, type: _type, branchId: _b, ...rest } = fields;
    if (rest.currency === undefined && !(await currentRates(ws.manager, rateDate(ws.tx.now), [o.currency])).has(o.currency)) {
      throw badInput('currency', `the team's currency ${o.currency} has no rate`);
    }
    const changed = await this.applyFields(ws, o, rest);
    const named = new Set(namedFields(rest));
    await this.applyPipelineRules(ws, o, new Set([...changed, ...named]), named, !generated);
    if (stage) {
      await this.enterStage(ws, o, stage, { top: true });
      if (stage.isWon) Object.assign(o, lifecycle.move(o, true, tx.now));
      await this.applyComputedDefaults(ws, o, changed, new Set(changed));
      if (!generated) await this.checkGates(ws, o, []);
    }
    o.number = await nextNumber(ws, o.branchId);
    await this.settle(ws, o, true);
    if (o.status === 'won') await ws.recordClosing(o, 'won', 1);
    await persist(ws, null, o, [{ event: 'created' }]);
    return o;
  }

  /** Team, pipeline and stage of a new lead/opportunity from what the input names. */
  private async resolvePlacement(
    ws: Workspace,
    fields: OpportunityFields,
    salespersonId: string | null,
    type: lifecycle.OpportunityType,
  ): Promise<{ team: Team; pipeline: Pipeline; stage: Stage | null; type: lifecycle.OpportunityType }> {
    let team: Team | undefined;
    let pipeline: Pipeline | undefined;
    if (fields.pipelineId) {
      pipeline = await ws.pipeline(fields.pipelineId);
      if (!pipeline || !pipeline.active) throw badInput('pipelineId', `pipeline ${fields.pipelineId} not found`);
      if (fields.teamId && fields.teamId !== pipeline.teamId) throw badInput('pipelineId', 'the pipeline belongs to another team');
      team = await ws.team(pipeline.teamId);
    } else if (fields.teamId) {
      team = await ws.team(fields.teamId);
      if (!team || !team.active) throw badInput('teamId', `sales team ${fields.teamId} not found`);
    } else {
      team = salespersonId ? await this.teamOfUser(ws, salespersonId) : undefined;
      for (const id of ws.tx.user.teamIds) {
        if (team) break;
        const candidate = isUuid(id) ? await ws.team(id) : undefined;
        if (candidate?.active) team = candidate;
      }
      if (!team) {
        const rows = await ws.manager.query('SELECT id FROM pipeline.team ORDER BY is_default DESC, active DESC, sequence, id LIMIT 1');
        team = await ws.team(rows[0].id);
      }
    }
    if (!team) throw badInput('teamId', 'no sales team');
    // As in Odoo, a team that does not use leads skips the lead step: what is created for it is an opportunity.
    if (type === 'lead' && !team.useLeads) type = 'opportunity';
    let stage: Stage | null = null;
    if (fields.stageId) {
      if (type === 'lead') throw badInput('stageId', 'a lead has no stage until it is converted');
      const found = pipeline
        ? (await ws.stages(pipeline.id)).find((s) => s.id === fields.stageId)
        : (await ws.stageInTeam(team.id, fields.stageId, null))?.stage;
      if (!found) throw badInput('stageId', `stage ${fields.stageId} is not a stage of the team's pipeline`);
      if (!pipeline) pipeline = (await ws.stageInTeam(team.id, fields.stageId, null))!.pipeline;
      stage = found;
    }
    if (!pipeline) pipeline = (await ws.teamPipelines(team.id))[0];
    if (!pipeline) throw badInput('teamId', `sales team ${team.name} has no pipeline`);
    if (!stage && type === 'opportunity') {
      stage = firstOpenStage(await ws.stages(pipeline.id)) ?? null;
      if (!stage) throw badInput('pipelineId', `pipeline ${pipeline.name} has no stages`);
    }
    return { team, pipeline, stage, type };
  }

  // ── update, assign ──────────────────────────────────────────────────────

  async update(input: UpdateOpportunityInput, ctx: BaseContext): Promise<Opportunity> {
    const { id, expectedVersion, resetProbability, ...rest } = input;
    const fields = validateOpportunityFields(rest);
    if (fields.type !== undefined) throw badInput('type', 'a lead becomes an opportunity through convertToOpportunity');
    if (fields.stageId !== undefined) throw badInput('stageId', 'stages change through moveOpportunity');
    if (resetProbability && fields.probability != null) throw badInput('resetProbability', 'give a probability or reset it, not both');
    return this.run(ctx, async (ws) => {
      const before = await this.lock(ws, id, expectedVersion);
      const o: Opportunity = { ...before };
      const { teamId, pipelineId, salespersonId, stageId: _s, ...plain } = fields;
      if (resetProbability) plain.probability = null;
      const changed = await this.applyFields(ws, o, plain);
      for (const f of await this.applyAssignment(ws, o, { teamId, pipelineId, salespersonId })) changed.add(f);
      return this.finishEdit(ws, before, o, changed, new Set(namedFields(fields)));
    });
  }

  async assign(input: AssignInput, ctx: BaseContext): Promise<Opportunity> {
    const fields = validateOpportunityFields({ salespersonId: input.salespersonId, teamId: input.teamId, pipelineId: input.pipelineId });
    return this.run(ctx, (ws) => this.assignIn(ws, input.id, input.expectedVersion, fields));
  }

  private async assignIn(ws: Workspace, id: string, expectedVersion: number | null | undefined, fields: OpportunityFields): Promise<Opportunity> {
    const before = await this.lock(ws, id, expectedVersion);
    const o: Opportunity = { ...before };
    const changed = await this.applyAssignment(ws, o, { salespersonId: fields.salespersonId, teamId: fields.teamId, pipelineId: fields.pipelineId });
    return this.finishEdit(ws, before, o, changed, new Set());
  }

  /** Gates, defaults, probability and events of an edit (update, assignment). */
  private async finishEdit(ws: Workspace, before: Opportunity, o: Opportunity, changed: Set<string>, explicit: ReadonlySet<string>): Promise<Opportunity> {
    if (changed.size === 0) return before;
    await this.applyPipelineRules(ws, o, changed, explicit);
    const moved = o.stageId !== before.stageId;
    if (!moved) {
      await this.applyComputedDefaults(ws, o, changed, explicit);
      const edited = [...changed];
      const stage = await ws.stage(o.pipelineId, o.stageId);
      if (stage) {
        const stages = gateStages(await ws.stages(o.pipelineId));
        assertEditable(edited, stages.find((s) => s.id === stage.id)!, stages);
        assertCanEnter(stages.find((s) => s.id === stage.id)!, (f) => readField(o, f));
      }
    } else {
      // Reassigned to another pipeline: its entry gates apply; the old stage's locks did (they are checked on `before`).
      const stages = gateStages(await ws.stages(before.pipelineId));
      const from = stages.find((s) => s.id === before.stageId);
      if (from) assertEditable([...changed].filter((f) => ['salespersonId', 'teamId'].includes(f)), from, stages);
      assertCanLeave(from);
      await this.checkGates(ws, o, []);
    }
    const rescore = [...changed].some((f) => SCORING_KEYS.has(f)) || moved;
    const after = touched(ws.tx, o);
    await this.settle(ws, after, rescore);
    if (moved) await this.recordReopenOrWin(ws, before, after);
    await persist(ws, before, after, [{ event: 'updated' }]);
    return after;
  }

  /** Keeps the scoring table in step when a move wins or reopens. */
  private async recordReopenOrWin(ws: Workspace, before: Opportunity, after: Opportunity): Promise<void> {
    if (before.status !== 'won' && after.status === 'won') await ws.recordClosing(after, 'won', 1);
    if (before.status === 'won' && after.status !== 'won') await ws.recordClosing(before, 'won', -1);
  }

  // ── moves ───────────────────────────────────────────────────────────────

  async move(input: MoveOpportunityInput, ctx: BaseContext): Promise<Opportunity> {
    const placement = this.placementOf(input);
    if (!isUuid(input.stageId)) throw badInput('stageId', `${input.stageId} is not an id`);
    const properties = input.properties ? validateOpportunityFields({ properties: input.properties }).properties : undefined;
    return this.run(ctx, (ws) => this.moveIn(ws, input.id, input.stageId.toLowerCase(), placement, input.expectedVersion, properties));
  }

  private placementOf(input: { beforeId?: string | null; afterId?: string | null }): Placement {
    if (input.beforeId && input.afterId) throw badInput('afterId', 'give beforeId or afterId, not both');
    if (input.beforeId) {
      if (!isUuid(input.beforeId)) throw badInput('beforeId', `${input.beforeId} is not an id`);
      return { beforeId: input.beforeId.toLowerCase() };
    }
    if (input.afterId) {
      if (!isUuid(input.afterId)) throw badInput('afterId', `${input.afterId} is not an id`);
      return { afterId: input.afterId.toLowerCase() };
    }
    return { top: true };
  }

  private async moveIn(
    ws: Workspace,
    id: string,
    stageId: string,
    placement: Placement,
    expectedVersion?: number | null,
    properties?: { key: string; value: string | null }[],
  ): Promise<Opportunity> {
    // Most drops go to the top of a column: its current top is read with the lock.
    const before = await this.lock(ws, id, expectedVersion, 'top' in placement ? stageId : undefined);
    const target = await ws.stageInTeam(before.teamId, stageId, before.pipelineId);
    if (!target) throw badInput('stageId', `stage ${stageId} is not a stage of the sales team's pipelines`);
    const o: Opportunity = { ...before };
    Object.assign(o, lifecycle.move(o, target.stage.isWon, ws.tx.now));
    if (target.pipeline.id !== o.pipelineId) {
      o.pipelineId = target.pipeline.id;
      o.properties = keepDefined(o.properties, target.pipeline.propertyDefinitions);
    }
    // Reordering inside the same column changes no state: only the rank, no version, no event.
    if (o.stageId === stageId && o.pipelineId === before.pipelineId && !properties?.length) {
      const rank = await placeInColumn(ws, o.pipelineId, stageId, o.id, placement);
      await ws.manager.query('UPDATE pipeline.opportunity SET rank = $2 WHERE id = $1', [o.id, rank]);
      return { ...before, rank };
    }
    if (o.stageId !== stageId) {
      const stages = gateStages(await ws.stages(before.pipelineId));
      assertCanLeave(stages.find((s) => s.id === before.stageId));
    }
    await this.enterStage(ws, o, target.stage, placement);
    const changed = new Set<string>();
    if (properties?.length) {
      for (const f of await this.applyFields(ws, o, { properties })) changed.add(f);
    }
    await this.applyComputedDefaults(ws, o, changed, new Set((properties ?? []).map((p) => `properties.${p.key}`)));
    await this.checkGates(ws, o, [...changed]);
    const after = touched(ws.tx, o);
    await this.settle(ws, after, true);
    await this.recordReopenOrWin(ws, before, after);
    const events: EventSpec[] = before.status !== 'won' && after.status === 'won' ? [{ event: 'won' }] : [];
    if (after.stageId === before.stageId) events.unshift({ event: 'updated' });
    await persist(ws, before, after, events);
    return after;
  }

  // ── won / lost / restore / archive ──────────────────────────────────────

  async markWon(input: RefInput, ctx: BaseContext): Promise<Opportunity> {
    return this.run(ctx, (ws) => this.markWonIn(ws, input.id, input.expectedVersion));
  }

  private async markWonIn(ws: Workspace, id: string, expectedVersion?: number | null, extra?: Record<string, unknown>): Promise<Opportunity> {
    const before = await this.lock(ws, id, expectedVersion);
    const o: Opportunity = { ...before, ...lifecycle.markWon(before, ws.tx.now) };
    const stages = await ws.stages(o.pipelineId);
    const current = stages.find((s) => s.id === o.stageId);
    if (!current?.isWon) {
      const won = stages.find((s) => s.isWon);
      if (!won) throw invalidTransition('this pipeline has no won stage', { pipelineId: o.pipelineId });
      await this.enterStage(ws, o, won, { top: true });
    }
    await this.checkGates(ws, o, []);
    const after = touched(ws.tx, o);
    await this.settle(ws, after, false);
    await ws.recordClosing(after, 'won', 1);
    await persist(ws, before, after, [{ event: 'won', extra }]);
    return after;
  }

  /**
   * Marks an opportunity won because a sales order of it was confirmed (a sales event, inside
   * the consumer's inbox transaction). Does nothing when it is gone, a lead, lost, archived or
   * already won — the order stays confirmed either way.
   */
  async markWonByOrder(manager: EntityManager, opportunityId: string, now: Date, cause: Record<string, unknown>): Promise<Opportunity | null> {
    const tx: Tx = { manager, now, user: SYSTEM_USER, traceparent: undefined, events: [] };
    const ws = new Workspace(tx, this.scoring, this.cache);
    const locked = await lockOpportunities(manager, [opportunityId]);
    const o = locked.rows.get(opportunityId);
    if (!o || o.type !== 'opportunity' || o.status !== 'open' || !o.active) return null;
    ws.observe(locked);
    let after: Opportunity;
    try {
      after = await this.markWonIn(ws, o.id, undefined, cause);
    } catch (error) {
      // A stage gate of the won stage refuses it (or the pipeline has no won stage): the order stands, the card stays.
      if (error instanceof GraphQLError) return null;
      throw error;
    }
    await appendToOutbox(manager, SCHEMA, tx.events);
    return after;
  }

  async markLost(input: MarkLostInput, ctx: BaseContext): Promise<Opportunity> {
    const reasonId = this.lostReasonIdOf(input.lostReasonId);
    const feedback = input.lostFeedback?.trim() || null;
    return this.run(ctx, (ws) => this.markLostIn(ws, input.id, input.expectedVersion, reasonId, feedback));
  }

  private lostReasonIdOf(value: string | null | undefined): string | null {
    if (!value) return null;
    if (!isUuid(value)) throw badInput('lostReasonId', `${value} is not an id`);
    return value.toLowerCase();
  }

  private async markLostIn(ws: Workspace, id: string, expectedVersion: number | null | undefined, reasonId: string | null, feedback: string | null): Promise<Opportunity> {
    const before = await this.lock(ws, id, expectedVersion);
    const pipeline = await ws.pipeline(before.pipelineId);
    if (pipeline) assertLostReason(pipeline.rules, reasonId);
    if (reasonId) {
      const reason = await ws.lostReason(reasonId);
      if (!reason || !reason.active) throw badInput('lostReasonId', `lost reason ${reasonId} not found`);
    }
    const o: Opportunity = { ...before, ...lifecycle.markLost(before, ws.tx.now, reasonId, feedback) };
    const after = touched(ws.tx, o);
    await this.settle(ws, after, false);
    await ws.recordClosing(before, 'lost', 1);
    await persist(ws, before, after, [{ event: 'lost', extra: { lostReasonId: reasonId } }]);
    return after;
  }

  async restore(input: RefInput, ctx: BaseContext): Promise<Opportunity> {
    return this.run(ctx, async (ws) => {
      const before = await this.lock(ws, input.id, input.expectedVersion);
      const o: Opportunity = { ...before, ...lifecycle.restore(before), probabilityManual: false };
      const pipeline = await ws.pipeline(before.pipelineId);
      if (pipeline) assertRestorable(pipeline.rules);
      const after = touched(ws.tx, o);
      await this.settle(ws, after, true);
      await ws.recordClosing(before, 'lost', -1);
      await persist(ws, before, after, [{ event: 'restored' }]);
      return after;
    });
  }

  async archive(input: RefInput, ctx: BaseContext): Promise<Opportunity> {
    return this.run(ctx, async (ws) => {
      const before = await this.lock(ws, input.id, input.expectedVersion);
      const after = touched(ws.tx, { ...before, ...lifecycle.archive(before) });
      await persist(ws, before, after, [{ event: 'archived' }]);
      return after;
    });
  }

  async unarchive(input: RefInput, ctx: BaseContext): Promise<Opportunity> {
    return this.run(ctx, async (ws) => {
      const before = await this.lock(ws, input.id, input.expectedVersion);
      const o: Opportunity = { ...before, ...lifecycle.unarchive(before) };
      if (o.type === 'opportunity' && o.stageId) o.rank = await placeInColumn(ws, o.pipelineId, o.stageId, o.id, { top: true });
      const after = touched(ws.tx, o);
      await persist(ws, before, after, [{ event: 'unarchived' }]);
      return after;
    });
  }

  // ── duplicate, delete ───────────────────────────────────────────────────

  async duplicate(input: { id: string; name?: string | null }, ctx: BaseContext): Promise<Opportunity> {
    const name = input.name != null ? validateOpportunityFields({ name: input.name }).name : undefined;
    return this.run(ctx, async (ws) => {
      const source = await this.lock(ws, input.id);
      const fields: OpportunityFields = {
        name: name ?? `${source.name} (copy)`,
        customerId: source.customerId,
        contactName: source.contactName,
        companyName: source.companyName,
        email: source.email,
        phone: source.phone,
        countryCode: source.countryCode,
        salespersonId: source.salespersonId,
        teamId: source.teamId,
        pipelineId: source.pipelineId,
        priority: source.priority,
        expectedRevenue: source.expectedRevenue,
        currency: source.currency,
        expectedClosing: source.expectedClosing,
        tagIds: source.tagIds,
        description: source.description,
        campaign: source.campaign,
        medium: source.medium,
        source: source.source,
        referredBy: source.referredBy,
        branchId: source.branchId,
        properties: Object.entries(source.properties).map(([key, value]) => ({ key, value })),
      };
      // The copy starts over (first stage, automatic probability), as Odoo's copy does.
      return this.createIn(ws, fields, source.type);
    });
  }

  async delete(input: RefInput, ctx: BaseContext): Promise<Opportunity> {
    requireRole(ctx, ['admin']);
    return this.run(ctx, async (ws) => {
      const before = await this.lock(ws, input.id, input.expectedVersion);
      await this.deleteIn(ws, before, {});
      return before;
    });
  }

  private async deleteIn(ws: Workspace, o: Opportunity, extra: Record<string, unknown>): Promise<void> {
    const state = opportunityEventState(o, await ws.names(o));
    await ws.manager.query('DELETE FROM pipeline.opportunity WHERE id = $1', [o.id]);
    emit(ws.tx, 'opportunity', 'deleted', state, { extra });
  }

  // ── merge, convert ──────────────────────────────────────────────────────

  async merge(input: { ids: string[]; targetId?: string | null }, ctx: BaseContext): Promise<Opportunity> {
    requireUser(ctx); // before looking at the input: access group none learns nothing (libs/auth rule 1)
    if ((input.ids ?? []).length < 2) throw badInput('ids', 'merging needs at least two leads/opportunities');
    if (input.targetId && !input.ids.map((i) => i.toLowerCase()).includes(input.targetId.toLowerCase())) {
      throw badInput('targetId', 'the target must be one of ids');
    }
    return this.run(ctx, async (ws) => {
      const records = await this.lockMany(ws, input.ids);
      const { head, before, mergedIds } = await this.mergeIn(ws, records, input.targetId?.toLowerCase() ?? null);
      const after = touched(ws.tx, head);
      await this.settle(ws, after, true);
      await this.checkGates(ws, after, []);
      await persist(ws, before, after, [{ event: 'merged', extra: { mergedIds } }]);
      return after;
    });
  }

  /** Merges `records` into the most confident (or the chosen) one; the others are deleted, their history kept. */
  private async mergeIn(
    ws: Workspace,
    records: Opportunity[],
    targetId: string | null,
  ): Promise<{ head: Opportunity; before: Opportunity; mergedIds: string[] }> {
    const sequences = new Map<string, number>();
    for (const r of records) for (const s of await ws.stages(r.pipelineId)) sequences.set(s.id, s.sequence);
    let ordered = sortByConfidence(records, sequences);
    if (targetId) ordered = [ordered.find((o) => o.id === targetId)!, ...ordered.filter((o) => o.id !== targetId)];
    const before = ordered[0]!;
    const head: Opportunity = { ...before, ...mergeFields(ordered) };
    if (head.type === 'opportunity' && before.type === 'lead') {
      Object.assign(head, lifecycle.convert(before), { dateConversion: ws.tx.now });
      const stage = firstOpenStage(await ws.stages(head.pipelineId));
      if (stage) await this.enterStage(ws, head, stage, { top: true });
    }
    const { missing } = await ws.tagNames(head.tagIds);
    head.tagIds = head.tagIds.filter((t) => !missing.includes(t));
    const pipeline = await ws.pipeline(head.pipelineId);
    head.properties = keepDefined(head.properties, pipeline?.propertyDefinitions ?? []);
    const mergedIds: string[] = [];
    for (const other of ordered.slice(1)) {
      mergedIds.push(other.id);
      await ws.manager.query('UPDATE pipeline.stage_history SET opportunity_id = $1, merged_from_id = COALESCE(merged_from_id, $2) WHERE opportunity_id = $2', [
        head.id,
        other.id,
      ]);
      const state = opportunityEventState(other, await ws.names(other));
      await ws.manager.query(
        'INSERT INTO pipeline.merged_opportunity (id, merged_into_id, merged_at, merged_by, state) VALUES ($1, $2, $3, $4, $5::jsonb)',
        [other.id, head.id, ws.tx.now, ws.tx.user.id, JSON.stringify(state)],
      );
      await ws.manager.query('UPDATE pipeline.merged_opportunity SET merged_into_id = $1 WHERE merged_into_id = $2', [head.id, other.id]);
      await this.deleteIn(ws, other, { mergedIntoId: head.id });
    }
    return { head, before, mergedIds };
  }

  async convert(input: ConvertInput, ctx: BaseContext): Promise<Opportunity> {
    const user = requireUser(ctx);
    const action = input.customer?.action ?? 'NONE';
    if (!['EXISTING', 'CREATE', 'NONE'].includes(action)) throw badInput('customer.action', 'EXISTING, CREATE or NONE');
    let customerId: string | null | undefined;
    if (action === 'EXISTING') {
      if (!input.customer?.customerId || !isUuid(input.customer.customerId)) throw badInput('customer.customerId', 'name the existing contact');
      customerId = input.customer.customerId.toLowerCase();
    }
    const assignment = validateOpportunityFields({ salespersonId: input.salespersonId, teamId: input.teamId });
    const mergeWith = (input.mergeWithIds ?? []).filter((id) => id.toLowerCase() !== input.id.toLowerCase());
    let createdCustomerId: string | null = null;
    if (action === 'CREATE') {
      // Check what can be checked first, so that no contact is created for a refused conversion.
      const lead = await this.run(ctx, (ws) => this.lock(ws, input.id, input.expectedVersion));
      lifecycle.assertAllowed(lead, 'convert');
      // As Odoo prepares the partner from the lead: its name, e-mail, phone and country, plus the
      // customer-master fields of the dealer's lead form (KTP, address), in the lead's branch.
      const master = (key: string) => (typeof lead.properties[key] === 'string' && lead.properties[key] !== '' ? (lead.properties[key] as string) : null);
      const contact = await this.contacts.createContact(
        user,
        {
          name: lead.companyName ?? lead.contactName ?? lead.name,
          email: lead.email,
          phone: lead.phone,
          countryCode: lead.countryCode,
          nationalId: master('nationalId'),
          street: master('street'),
          city: master('city'),
          branchId: lead.branchId,
        },
        ctx.traceparent,
      );
      createdCustomerId = contact.id;
      customerId = contact.id;
    }
    return this.run(ctx, async (ws) => {
      const first = await this.lock(ws, input.id, input.expectedVersion);
      lifecycle.assertAllowed(first, 'convert');
      let before = first;
      let o: Opportunity = { ...first };
      let mergedIds: string[] = [];
      if (mergeWith.length > 0) {
        const records = await this.lockMany(ws, [first.id, ...mergeWith], 'mergeWithIds');
        const merged = await this.mergeIn(ws, records, null);
        before = merged.before;
        o = merged.head;
        mergedIds = merged.mergedIds;
      }
      if (o.type === 'lead') {
        Object.assign(o, lifecycle.convert(o), { dateConversion: ws.tx.now });
      }
      if (customerId !== undefined) o.customerId = customerId;
      await this.applyAssignment(ws, o, { salespersonId: assignment.salespersonId, teamId: assignment.teamId });
      if (!o.stageId) {
        const stage = firstOpenStage(await ws.stages(o.pipelineId));
        if (!stage) throw badInput('teamId', 'the pipeline has no stages');
        await this.enterStage(ws, o, stage, { top: true });
      }
      await this.checkGates(ws, o, []);
      const after = touched(ws.tx, o);
      await this.settle(ws, after, true);
      const events: EventSpec[] = [];
      if (mergedIds.length) events.push({ event: 'merged', extra: { mergedIds } });
      events.push({ event: 'converted', extra: { mergedIds, createdCustomerId } });
      await persist(ws, before, after, events);
      return after;
    });
  }

  // ── bulk ────────────────────────────────────────────────────────────────

  private async each(ws: Workspace, ids: readonly string[], work: (id: string) => Promise<Opportunity>): Promise<Opportunity[]> {
    const records = await this.lockMany(ws, ids);
    const out: Opportunity[] = [];
    for (const [index, o] of records.entries()) {
      try {
        out.push(await work(o.id));
      } catch (error) {
        throw atItem(error, index, o.id);
      }
    }
    return out;
  }

  async bulkMove(input: { ids: string[]; stageId: string }, ctx: BaseContext): Promise<Opportunity[]> {
    if (!isUuid(input.stageId)) throw badInput('stageId', `${input.stageId} is not an id`);
    return this.run(ctx, (ws) => this.each(ws, input.ids, (id) => this.moveIn(ws, id, input.stageId.toLowerCase(), { top: true })));
  }

  async bulkAssign(input: { ids: string[]; salespersonId?: string | null; teamId?: string | null }, ctx: BaseContext): Promise<Opportunity[]> {
    const fields = validateOpportunityFields({ salespersonId: input.salespersonId, teamId: input.teamId });
    return this.run(ctx, (ws) => this.each(ws, input.ids, (id) => this.assignIn(ws, id, undefined, fields)));
  }

  async bulkMarkLost(input: { ids: string[]; lostReasonId?: string | null; lostFeedback?: string | null }, ctx: BaseContext): Promise<Opportunity[]> {
    const reasonId = this.lostReasonIdOf(input.lostReasonId);
    const feedback = input.lostFeedback?.trim() || null;
    return this.run(ctx, (ws) => this.each(ws, input.ids, (id) => this.markLostIn(ws, id, undefined, reasonId, feedback)));
  }

  /** Predictive lead scoring rebuilt for a team; the open ones' automated probabilities recomputed. */
  async rebuildScoring(teamId: string, ctx: BaseContext): Promise<{ closed: number; updated: number }> {
    requireRole(ctx, ['admin']);
    if (!isUuid(teamId)) throw badInput('teamId', `${teamId} is not an id`);
    return this.run(ctx, async (ws) => {
      const team = await ws.team(teamId);
      if (!team) throw badInput('teamId', `sales team ${teamId} not found`);
      const rows = await ws.manager.query(`SELECT ${OPPORTUNITY_COLUMNS} FROM pipeline.opportunity o WHERE o.team_id = $1 FOR UPDATE`, [teamId]);
      const all: Opportunity[] = rows.map(toOpportunity);
      const stageRefs = new Map<string, { id: string; sequence: number }[]>();
      for (const p of new Set(all.map((o) => o.pipelineId))) stageRefs.set(p, (await ws.stages(p)).map((s) => ({ id: s.id, sequence: s.sequence })));
      const closed = all.filter((o) => o.status !== 'open');
      await rebuildTable(ws.manager, teamId, (p) => stageRefs.get(p) ?? [], team.scoringFields as never, closed);
      ws.markScoringChanged(teamId);
      let updated = 0;
      for (const before of all.filter((o) => o.status === 'open')) {
        const o = { ...before };
        await this.settle(ws, o, true);
        if (o.automatedProbability === before.automatedProbability && o.probability === before.probability) continue;
        const after = touched(ws.tx, o);
        await persist(ws, before, after, [{ event: 'updated' }]);
        updated += 1;
      }
      return { closed: closed.length, updated };
    });
  }
}
