import { runSubgraphMain } from '@crm/service';
import { salesModule } from './module';

runSubgraphMain(salesModule);
