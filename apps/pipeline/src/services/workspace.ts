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
import type { ScoringRepository } from './scoring-service';
import type { Tx } from './support';

/**
 * What one transaction reads of the configuration (teams, pipelines, stages, lost reasons,
 * tags, scoring tables), each read once and kept for the rest of the transaction.
 */
export class Workspace {
  private readonly teams = new Map<string, Team | undefined>();
  private readonly pipelines = new Map<string, Pipeline | undefined>();
  private readonly stageLists = new Map<string, Stage[]>();
  private readonly teamPipelineLists = new Map<string, Pipeline[]>();
  private readonly reasons = new Map<string, LostReason | undefined>();
  private readonly tagNameCache = new Map<string, string>();
  private readonly tables = new Map<string, FrequencyTable>();

  constructor(
    readonly tx: Tx,
    private readonly scoringRepository: ScoringRepository,
  ) {}

  get manager() {
    return this.tx.manager;
  }

  async team(id: string): Promise<Team | undefined> {
    if (!this.teams.has(id)) {
      const [team] = await teamsByIds(this.manager, [id]);
      this.teams.set(id, team);
    }
    return this.teams.get(id);
  }

  async pipeline(id: string): Promise<Pipeline | undefined> {
    if (!this.pipelines.has(id)) {
      const [pipeline] = await pipelinesByIds(this.manager, [id]);
      this.pipelines.set(id, pipeline);
    }
    return this.pipelines.get(id);
  }

  /** The stages of a pipeline's board, in order. */
  async stages(pipelineId: string): Promise<Stage[]> {
    let stages = this.stageLists.get(pipelineId);
    if (!stages) {
      stages = (await stagesOfPipelines(this.manager, [pipelineId])).get(pipelineId) ?? [];
      this.stageLists.set(pipelineId, stages);
    }
    return stages;
  }

  async stage(pipelineId: string, stageId: string | null): Promise<Stage | null> {
    if (!stageId) return null;
    return (await this.stages(pipelineId)).find((s) => s.id === stageId) ?? null;
  }

  /** Active pipelines of a team, the default first. */
  async teamPipelines(teamId: string): Promise<Pipeline[]> {
    let list = this.teamPipelineLists.get(teamId);
    if (!list) {
      const rows = await this.manager.query(
        `SELECT ${PIPELINE_COLUMNS} FROM pipeline.pipeline p WHERE p.team_id = $1 AND p.active ORDER BY p.is_default DESC, p.sequence, p.id`,
        [teamId],
      );
      list = rows.map(toPipeline) as Pipeline[];
      for (const p of list) this.pipelines.set(p.id, p);
      this.teamPipelineLists.set(teamId, list);
    }
    return list;
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
    if (!this.reasons.has(id)) {
      const [reason] = await lostReasonsByIds(this.manager, [id]);
      this.reasons.set(id, reason);
    }
    return this.reasons.get(id);
  }

  /** Tag names in the order of the ids; ids that do not exist are reported. */
  async tagNames(ids: readonly string[]): Promise<{ names: string[]; missing: string[] }> {
    const unknown = ids.filter((id) => !this.tagNameCache.has(id));
    if (unknown.length) for (const tag of await tagsByIds(this.manager, unknown)) this.tagNameCache.set(tag.id, tag.name);
    return {
      names: ids.filter((id) => this.tagNameCache.has(id)).map((id) => this.tagNameCache.get(id)!),
      missing: ids.filter((id) => !this.tagNameCache.has(id)),
    };
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
    let table = this.tables.get(teamId);
    if (!table) {
      table = await this.scoringRepository.table(this.manager, teamId);
      this.tables.set(teamId, table);
    }
    return table;
  }

  private async variables(teamId: string): Promise<ScoringVariable[]> {
    return ((await this.team(teamId))?.scoringFields ?? []) as ScoringVariable[];
  }

  /** The predictive score of an open lead, or null when its team has no history yet. */
  async score(o: Opportunity): Promise<number | null> {
    return this.scoringRepository.score(o, await this.variables(o.teamId), await this.table(o.teamId));
  }

  /** Records (or takes back) a won/lost closing in the team's frequency table. */
  async recordClosing(o: Opportunity, outcome: 'won' | 'lost', step: 1 | -1): Promise<void> {
    const stages: StageRef[] = (await this.stages(o.pipelineId)).map((s) => ({ id: s.id, sequence: s.sequence }));
    await this.scoringRepository.recordClosing(this.manager, o, outcome, step, stages, await this.variables(o.teamId));
    this.tables.delete(o.teamId);
  }
}
