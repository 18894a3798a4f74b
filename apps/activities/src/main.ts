import { runSubgraphMain } from '@crm/service';
import { activitiesModule } from './module';

runSubgraphMain(activitiesModule);
