import { contactState } from '../schemas/contacts';
import { defineStateEvents } from './define';

export const CONTACTS_EVENTS = [
  ...defineStateEvents('contacts', 'contact', 'Contact', contactState, {
    created: 'A contact was created.',
    updated: 'A contact changed.',
  }),
];
