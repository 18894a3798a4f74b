import type { FrequencyTable, ScoringVariable, StageRef } from '../domain/scoring';
import type { DenormalisedNames, Opportunity } from '../domain/opportunity';
import {
  PIPELINE_COLUMNS,
  lostReasonsByIds,
  pipelinesByIds,
  stagesOfPipelines,
  tagsByIds,
  teamsByIds,
  toPipeline,
  type LostReason,
  type Pipeline,
  type Stage,
  type Team,
} from '../repositories/config-rows';
import type { ColumnTop, LockedOpportunities } from '../repositories/opportunity-rows';
import type { ConfigCache } from './config-cache';
import type { ScoringRepository } from './scoring-service';
import type { Tx } from './support';

/**
 * What one transaction reads of the configuration (teams, pipelines, stages, lost reasons,
 * tags) and of the scoring tables: from the process cache when its version counter matches
 * the one this transaction saw, else from Postgres (and then cached).
 */
export class Workspace {
  private configVersion: string | null = null;
  private readonly scoringVersions = new Map<string, string>();
  /** Teams whose scoring table this transaction changed: never cached from here. */
  private readonly dirtyScoring = new Set<string>();
  private readonly local = new Map<string, unknown>();
  private columnTop: ColumnTop | undefined;

  constructor(
    readonly tx: Tx,
    private readonly scoringRepository: ScoringRepository,
    private readonly cache: ConfigCache | null = null,
  ) {}

  get manager() {
    return this.tx.manager;
  }

  /** Takes the version counters the lock query read. */
  observe(locked: LockedOpportunities): void {
    this.columnTop = locked.columnTop;
    if (locked.configVersion) this.configVersion ??= locked.configVersion;
    for (const [team, version] of locked.scoringVersions) if (!this.scoringVersions.has(team)) this.scoringVersions.set(team, version);
  }

  /**
   * The column top read with the lock, once, when it is the column asked for (undefined:
   * not read, read it now).
   */
  takeColumnTop(pipelineId: string, stageId: string, selfId: string | null): string | null | undefined {
    const read = this.columnTop;
    this.columnTop = undefined;
    if (!read || read.pipelineId !== pipelineId || read.stageId !== stageId || read.opportunityId !== selfId) return undefined;
    return read.top;
  }

  private async version(): Promise<string> {
    if (this.configVersion === null) {
      const rows = await this.manager.query('SELECT version::text AS v FROM pipeline.config_version');
      this.configVersion = (rows[0]?.v as string | undefined) ?? '0';
    }
    return this.configVersion;
  }

  /** Per transaction first, then the process cache under this transaction's version. */
  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.local.has(key)) return this.local.get(key) as T;
    let value: T | undefined;
    if (this.cache) {
      const version = await this.version();
      value = this.cache.get<T>(key, version);
      if (value === undefined) {
        value = await load();
        this.cache.set(key, version, value);
      }
    } else {
      value = await load();
    }
    this.local.set(key, value);
    return value;
  }

  async team(id: string): Promise<Team | undefined> {
    return (await this.cached(`team:${id}`, async () => (await teamsByIds(this.manager, [id]))[0] ?? null)) ?? undefined;
  }

  async pipeline(id: string): Promise<Pipeline | undefined> {
    return (await this.cached(`pipeline:${id}`, async () => (await pipelinesByIds(this.manager, [id]))[0] ?? null)) ?? undefined;
  }

  /** The stages of a pipeline's board, in order. */
  async stages(pipelineId: string): Promise<Stage[]> {
    return this.cached(`stages:${pipelineId}`, async () => (await stagesOfPipelines(this.manager, [pipelineId])).get(pipelineId) ?? []);
  }

  async stage(pipelineId: string, stageId: string | null): Promise<Stage | null> {
    if (!stageId) return null;
    return (await this.stages(pipelineId)).find((s) => s.id === stageId) ?? null;
  }

  /** Active pipelines of a team, the default first. */
  async teamPipelines(teamId: string): Promise<Pipeline[]> {
    return this.cached(`teamPipelines:${teamId}`, async () => {
      const rows = await this.manager.query(
        `SELECT ${PIPELINE_COLUMNS} FROM pipeline.pipeline p WHERE p.team_id = $1 AND p.active ORDER BY p.is_default DESC, p.sequence, p.id`,
        [teamId],
      );
      return rows.map(toPipeline) as Pipeline[];
    });
  }

  /** A stage of one of the team's pipelines: the current pipeline's board first. */
  async stageInTeam(teamId: string, stageId: string, preferPipelineId: string | null): Promise<{ pipeline: Pipeline; stage: Stage } | null> {
    const pipelines = await this.teamPipelines(teamId);
    const ordered = [...pipelines.filter((p) => p.id === preferPipelineId), ...pipelines.filter((p) => p.id !== preferPipelineId)];
    for (const pipeline of ordered) {
      const stage = (await this.stages(pipeline.id)).find((s) => s.id === stageId);
      if (stage) return { pipeline, stage };
    }
    return null;
  }

  async lostReason(id: string): Promise<LostReason | undefined> {
    return (await this.cached(`lostReason:${id}`, async () => (await lostReasonsByIds(this.manager, [id]))[0] ?? null)) ?? undefined;
  }

  /** Tag names in the order of the ids; ids that do not exist are reported. */
  async tagNames(ids: readonly string[]): Promise<{ names: string[]; missing: string[] }> {
    if (ids.length === 0) return { names: [], missing: [] };
    const key = `tags:${[...ids].sort().join(',')}`;
    const byId = await this.cached(key, async () => new Map((await tagsByIds(this.manager, ids)).map((t) => [t.id, t.name])));
    return { names: ids.filter((id) => byId.has(id)).map((id) => byId.get(id)!), missing: ids.filter((id) => !byId.has(id)) };
  }

  async names(o: Opportunity): Promise<DenormalisedNames> {
    // One connection per transaction: one query at a time.
    const team = await this.team(o.teamId);
    const pipeline = await this.pipeline(o.pipelineId);
    const stage = await this.stage(o.pipelineId, o.stageId);
    const reason = o.lostReasonId ? await this.lostReason(o.lostReasonId) : undefined;
    const tags = await this.tagNames(o.tagIds);
    return {
      teamName: team?.name ?? null,
      pipelineName: pipeline?.name ?? null,
      stageName: stage?.name ?? (o.stageId ? await this.stageNameAnywhere(o.stageId) : null),
      lostReasonName: reason?.name ?? null,
      tagNames: tags.names,
    };
  }

  private async stageNameAnywhere(stageId: string): Promise<string | null> {
    const rows = await this.manager.query('SELECT name FROM pipeline.stage WHERE id = $1', [stageId]);
    return rows[0]?.name ?? null;
  }

  private async table(teamId: string): Promise<FrequencyTable> {
    const key = `scoring:${teamId}`;
    if (this.local.has(key)) return this.local.get(key) as FrequencyTable;
    let table: FrequencyTable | undefined;
    if (this.cache && !this.dirtyScoring.has(teamId)) {
      let version = this.scoringVersions.get(teamId);
      if (version === undefined) {
        const rows = await this.manager.query('SELECT version::text AS v FROM pipeline.scoring_version WHERE team_id = $1', [teamId]);
        version = (rows[0]?.v as string | undefined) ?? '0';
        this.scoringVersions.set(teamId, version);
      }
      table = this.cache.get<FrequencyTable>(key, version);
      if (!table) {
        table = await this.scoringRepository.table(this.manager, teamId);
        this.cache.set(key, version, table);
      }
    } else {
      table = await this.scoringRepository.table(this.manager, teamId);
    }
    this.local.set(key, table);
    return table;
  }

  private async variables(teamId: string): Promise<ScoringVariable[]> {
    return ((await this.team(teamId))?.scoringFields ?? []) as ScoringVariable[];
  }

  /** The predictive score of an open lead or opportunity (a lead without a stage: on its other fields), or null when its team has no history yet. */
  async score(o: Opportunity): Promise<number | null> {
    return this.scoringRepository.score(o, await this.variables(o.teamId), await this.table(o.teamId));
  }

  /** Records (or takes back) a won/lost closing in the team's frequency table. */
  async recordClosing(o: Opportunity, outcome: 'won' | 'lost', step: 1 | -1): Promise<void> {
    const stages: StageRef[] = (await this.stages(o.pipelineId)).map((s) => ({ id: s.id, sequence: s.sequence }));
    await this.scoringRepository.recordClosing(this.manager, o, outcome, step, stages, await this.variables(o.teamId));
    this.markScoringChanged(o.teamId);
  }

  markScoringChanged(teamId: string): void {
    this.dirtyScoring.add(teamId);
    this.local.delete(`scoring:${teamId}`);
  }
}
