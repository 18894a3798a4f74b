import DataLoader from 'dataloader';
import { requireUser } from '@crm/auth';
import type { Connection } from '@crm/graphql';
import type { BaseContext } from '@crm/service';
import type { Opportunity } from './domain/opportunity';
import type { LostReason, Pipeline, Stage, Tag, Team } from './repositories/config-rows';
import type { ConfigService } from './services/config-service';
import type { HistoryImportService } from './services/history-import-service';
import type { OpportunityService } from './services/opportunity-service';
import type { ColumnKey, OpportunityQueries, StageVisit } from './services/opportunity-queries';

export interface PipelineServices {
  config: ConfigService;
  opportunities: OpportunityService;
  queries: OpportunityQueries;
  historyImport: HistoryImportService;
}

export interface PipelineLoaders {
  opportunity: DataLoader<string, Opportunity | null>;
  team: DataLoader<string, Team | null>;
  pipeline: DataLoader<string, Pipeline | null>;
  stage: DataLoader<string, Stage | null>;
  lostReason: DataLoader<string, LostReason | null>;
  tag: DataLoader<string, Tag | null>;
  stagesOfPipeline: DataLoader<string, Stage[]>;
  pipelinesOfTeam: DataLoader<string, Pipeline[]>;
  archivedPipelinesOfTeam: DataLoader<string, Pipeline[]>;
  stageHistory: DataLoader<string, StageVisit[]>;
  duplicates: DataLoader<string, Opportunity[]>;
  columnCards: DataLoader<ColumnKey, Connection<Opportunity>, string>;
}

export interface PipelineContext extends BaseContext, PipelineServices {
  loaders: PipelineLoaders;
}

function byId<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await load(ids);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** Per request: services and DataLoaders (one query per kind of record, whatever the number asked). */
export function createContext(base: BaseContext, services: PipelineServices): PipelineContext {
  const { config, queries } = services;
  return {
    ...base,
    ...services,
    loaders: {
      opportunity: new DataLoader((ids: readonly string[]) => queries.findByIds(ids, requireUser(base))),
      team: byId((ids) => config.teamsByIds(ids)),
      pipeline: byId((ids) => config.pipelinesByIds(ids)),
      stage: byId((ids) => config.stagesByIds(ids)),
      lostReason: byId((ids) => config.lostReasonsByIds(ids)),
      tag: byId((ids) => config.tagsByIds(ids)),
      stagesOfPipeline: new DataLoader(async (ids: readonly string[]) => {
        const map = await config.stagesOfPipelines(ids);
        return ids.map((id) => map.get(id) ?? []);
      }),
      pipelinesOfTeam: new DataLoader(async (ids: readonly string[]) => {
        const map = await config.pipelinesOfTeams(ids, false);
        return ids.map((id) => map.get(id) ?? []);
      }),
      archivedPipelinesOfTeam: new DataLoader(async (ids: readonly string[]) => {
        const map = await config.pipelinesOfTeams(ids, true);
        return ids.map((id) => map.get(id) ?? []);
      }),
      stageHistory: new DataLoader((ids: readonly string[]) => queries.stageHistory(ids)),
      duplicates: new DataLoader((ids: readonly string[]) => queries.duplicates(ids, requireUser(base))),
      columnCards: new DataLoader((keys: readonly ColumnKey[]) => queries.columnCards(keys), {
        cacheKeyFn: (k) => JSON.stringify([k.pipelineId, k.stageId, k.filter, k.first, k.after]),
      }),
    },
  };
}
