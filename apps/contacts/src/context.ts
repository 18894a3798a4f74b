import DataLoader from 'dataloader';
import type { BaseContext } from '@crm/service';
import type { ContactEntity } from './entities/contact.entity';
import type { ContactService } from './services/contact-service';

export interface ContactsContext extends BaseContext {
  contacts: ContactService;
  loaders: { contact: DataLoader<string, ContactEntity | null> };
}

export function createContext(base: BaseContext, contacts: ContactService): ContactsContext {
  return {
    ...base,
    contacts,
    loaders: { contact: new DataLoader((ids: readonly string[]) => contacts.findByIds(ids)) },
  };
}
