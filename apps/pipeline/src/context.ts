import DataLoader from 'dataloader';
import type { BaseContext } from '@crm/service';
import type { OpportunityEntity } from './entities/opportunity.entity';
import type { OpportunityService } from './services/opportunity-service';

export interface PipelineContext extends BaseContext {
  opportunities: OpportunityService;
  loaders: { opportunity: DataLoader<string, OpportunityEntity | null> };
}

export function createContext(base: BaseContext, opportunities: OpportunityService): PipelineContext {
  return {
    ...base,
    opportunities,
    loaders: { opportunity: new DataLoader((ids: readonly string[]) => opportunities.findByIds(ids)) },
  };
}
