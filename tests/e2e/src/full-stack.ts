import { readFileSync } from 'node:fs';
import { activitiesModule } from '@crm/activities/src/module';
import { contactsModule } from '@crm/contacts/src/module';
import { SUPERGRAPH_PATH, startGateway, type GatewayOptions } from '@crm/gateway';
import { pipelineModule } from '@crm/pipeline/src/module';
import { reportingModule } from '@crm/reporting/src/module';
import { salesModule } from '@crm/sales/src/module';
import type { Clock } from '@crm/runtime';
import { startStack, type Stack, type TestEnv } from '@crm/testing';

export const ALL_MODULES = [contactsModule, pipelineModule, activitiesModule, salesModule, reportingModule];

/**
 * The five subgraphs and the gateway over the checked-in supergraph, in-process. `hardening`
 * overrides the gateway's limits (e.g. the access matrix, which is not about rate limits).
 */
export async function startFullStack(env: TestEnv, clock?: Clock, hardening?: GatewayOptions['hardening']): Promise<Stack> {
  const stack = await startStack({
    env,
    modules: ALL_MODULES,
    gateway: {
      start: hardening ? (options) => startGateway({ ...options, hardening }) : startGateway,
      supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
    },
    clock,
  });
  await stack.subgraph('reporting').consumersReady();
  return stack;
}
