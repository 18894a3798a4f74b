import { runSubgraphMain } from '@crm/service';
import { reportingModule } from './module';

runSubgraphMain(reportingModule);
