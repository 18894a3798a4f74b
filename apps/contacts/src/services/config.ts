import { envString } from '@crm/runtime';
import { DEFAULT_CODE_PREFIX } from '../domain/customer-code';

export interface ContactsConfig {
  /** Country for national phone numbers when neither the contact, its parent nor its branch names one. */
  defaultCountry: string;
  /** Customer-code prefix of contacts without a branch. */
  codePrefix: string;
  /** Time zone of the yymm part of codes when neither the branch nor the user names one. */
  timeZone: string;
  /** The only directory `importContacts(input: { path })` reads from. */
  importDir: string;
}

export function contactsConfigFromEnv(): ContactsConfig {
  return {
    defaultCountry: envString('CONTACTS_DEFAULT_COUNTRY', 'ID'),
    codePrefix: envString('CONTACTS_CODE_PREFIX', DEFAULT_CODE_PREFIX),
    timeZone: envString('CONTACTS_TIME_ZONE', 'Asia/Jakarta'),
    importDir: envString('CONTACTS_IMPORT_DIR', `${process.cwd()}/var/import`),
  };
}
