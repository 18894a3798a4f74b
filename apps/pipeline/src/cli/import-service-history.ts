/**
 * npm run import:service-history -- <file.csv> --pipeline <uuid> [--dry-run] [--user <uuid>] [--errors <errors.csv>] [--no-publish]
 *
 * Generates leads from a sales and service history file straight into the pipeline schema
 * (DATABASE_URL), with the same rules as the importServiceHistory mutation (the pipeline's
 * rules.leadGeneration, its branches and customers as the pipeline knows them), as the system
 * (every branch; createdBy = --user). Events go through the outbox; unless --no-publish, they
 * are published to Kafka (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX) before the command ends;
 * otherwise the running pipeline service's relay publishes them.
 */
import { createReadStream } from 'node:fs';
import { runImportCli, runMain } from '@crm/service';
import { isUuid, systemClock } from '@crm/runtime';
import { migrations } from '../migrations';
import { ContactsClient } from '../services/contacts-client';
import { HistoryImportService } from '../services/history-import-service';
import { OpportunityService } from '../services/opportunity-service';
import { ScoringRepository } from '../services/scoring-service';
import { SCHEMA, SYSTEM_USER } from '../services/support';

runMain(() =>
  runImportCli(
    {
      name: 'pipeline-history-import',
      schema: SCHEMA,
      migrations,
      usage: 'usage: npm run import:service-history -- <file.csv> --pipeline <uuid> [--dry-run] [--user <uuid>] [--errors <errors.csv>] [--no-publish]',
      valuedOptions: ['--pipeline'],
      errorColumns: ['line', 'field', 'code', 'message'],
      publisher: 'the pipeline service',
    },
    async ({ file, dataSource, userId, dryRun, option, usage }) => {
      const pipelineId = option('--pipeline');
      if (!pipelineId || !isUuid(pipelineId)) usage('--pipeline must be a pipeline id (uuid)');
      const opportunities = new OpportunityService(dataSource, systemClock, new ScoringRepository(), new ContactsClient());
      const service = new HistoryImportService(dataSource, systemClock, opportunities);
      const result = await service.importStream(createReadStream(file), {
        pipelineId: pipelineId!,
        user: userId ? { ...SYSTEM_USER, id: userId } : SYSTEM_USER,
        dryRun,
      });
      return { result, summary: { pipelineId }, omit: ['leadIds'] };
    },
  ),
);
