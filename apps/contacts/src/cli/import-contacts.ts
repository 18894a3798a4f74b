/**
 * npm run import:contacts -- <file.csv> [--dry-run] [--user <uuid>] [--errors <errors.csv>] [--no-publish]
 *
 * Imports a CSV of any size straight into the contacts schema (DATABASE_URL), with the same
 * rules as the importContacts mutation, as the system (no branch limits; createdBy = --user).
 * Events go through the outbox; unless --no-publish, they are published to Kafka
 * (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX) before the command ends; otherwise the running
 * contacts service's relay publishes them.
 */
import { createReadStream } from 'node:fs';
import { runImportCli, runMain } from '@crm/service';
import { systemClock } from '@crm/runtime';
import { migrations } from '../migrations';
import { contactsConfigFromEnv } from '../services/config';
import { SCHEMA } from '../services/contact-service';
import { ImportService } from '../services/import-service';

runMain(() =>
  runImportCli(
    {
      name: 'contacts-import',
      schema: SCHEMA,
      migrations,
      usage: 'usage: npm run import:contacts -- <file.csv> [--dry-run] [--user <uuid>] [--errors <errors.csv>] [--no-publish]',
      errorColumns: ['line', 'field', 'message'],
      publisher: 'the contacts service',
    },
    async ({ file, dataSource, userId, dryRun }) => {
      const service = new ImportService(dataSource, systemClock, contactsConfigFromEnv());
      const result = await service.importStream(createReadStream(file), {
        user: userId ? { id: userId, role: 'admin', branchIds: [], teamIds: [], tz: 'UTC' } : null,
        dryRun,
      });
      return { result };
    },
  ),
);
