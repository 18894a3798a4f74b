import { readFileSync } from 'node:fs';
import { activitiesModule } from '@crm/activities/src/module';
import { contactsModule } from '@crm/contacts/src/module';
import { SUPERGRAPH_PATH, startGateway } from '@crm/gateway';
import { pipelineModule } from '@crm/pipeline/src/module';
import { reportingModule } from '@crm/reporting/src/module';
import { salesModule } from '@crm/sales/src/module';
import type { Clock } from '@crm/runtime';
import { startStack, type Stack, type TestEnv } from '@crm/testing';

export const ALL_MODULES = [contactsModule, pipelineModule, activitiesModule, salesModule, reportingModule];

/** The five subgraphs and the gateway over the checked-in supergraph, in-process. */
export async function startFullStack(env: TestEnv, clock?: Clock): Promise<Stack> {
  const stack = await startStack({
    env,
    modules: ALL_MODULES,
    gateway: { start: startGateway, supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8') },
    clock,
  });
  await stack.subgraph('reporting').consumersReady();
  return stack;
}
