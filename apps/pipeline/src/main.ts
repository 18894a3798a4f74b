import { runSubgraphMain } from '@crm/service';
import { pipelineModule } from './module';

runSubgraphMain(pipelineModule);
