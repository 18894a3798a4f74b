import DataLoader from 'dataloader';
import type { BaseContext } from '@crm/service';
import type { BranchEntity } from './entities/branch.entity';
import type { ContactsServices } from './services';
import type { ContactRecord } from './services/contact-sql';
import type { LookupRecord } from './services/lookup-service';

export interface ContactsContext extends BaseContext {
  services: ContactsServices;
  /** Same as services.contacts (the foundation's name for it). */
  contacts: ContactsServices['contacts'];
  loaders: {
    /** Contacts the caller may see, by id (null otherwise). */
    contact: DataLoader<string, ContactRecord | null>;
    /** Active children the caller may see, by parent id. */
    children: DataLoader<string, ContactRecord[]>;
    branch: DataLoader<string, BranchEntity | null>;
    tag: DataLoader<string, LookupRecord | null>;
    occupation: DataLoader<string, LookupRecord | null>;
  };
}

/** Per request: one DataLoader per kind of record, so every list resolves with one query per kind. */
export function createContext(base: BaseContext, services: ContactsServices): ContactsContext {
  return {
    ...base,
    services,
    contacts: services.contacts,
    loaders: {
      contact: new DataLoader((ids: readonly string[]) => services.contacts.findByIds(ids, base.user)),
      children: new DataLoader((ids: readonly string[]) => services.contacts.childrenOf(ids, base.user)),
      branch: new DataLoader((ids: readonly string[]) => services.branches.findByIds(ids)),
      tag: new DataLoader((ids: readonly string[]) => services.tags.findByIds(ids)),
      occupation: new DataLoader((ids: readonly string[]) => services.occupations.findByIds(ids)),
    },
  };
}
