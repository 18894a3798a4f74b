import type { DataSource } from 'typeorm';
import type { Clock } from '@crm/runtime';
import { BranchService } from './branch-service';
import type { ContactsConfig } from './config';
import { ContactService } from './contact-service';
import { DuplicateService } from './duplicate-service';
import { ImportService } from './import-service';
import { LookupService, OCCUPATION_SPEC, TAG_SPEC } from './lookup-service';
import { MergeService } from './merge-service';

/** The services of the subgraph, created once per process. */
export interface ContactsServices {
  config: ContactsConfig;
  dataSource: DataSource;
  contacts: ContactService;
  branches: BranchService;
  tags: LookupService;
  occupations: LookupService;
  duplicates: DuplicateService;
  merges: MergeService;
  imports: ImportService;
}

export function createServices(dataSource: DataSource, clock: Clock, config: ContactsConfig): ContactsServices {
  return {
    config,
    dataSource,
    contacts: new ContactService(dataSource, clock, config),
    branches: new BranchService(dataSource, clock),
    tags: new LookupService(dataSource, clock, TAG_SPEC),
    occupations: new LookupService(dataSource, clock, OCCUPATION_SPEC),
    duplicates: new DuplicateService(dataSource),
    merges: new MergeService(dataSource, clock),
    imports: new ImportService(dataSource, clock, config),
  };
}
