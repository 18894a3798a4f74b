import { runSubgraphMain } from '@crm/service';
import { contactsModule } from './module';

runSubgraphMain(contactsModule);
