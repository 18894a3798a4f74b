import { contactState } from '../schemas/contacts';
import { defineStateEvents } from './define';

export const CONTACTS_EVENTS = [
  ...defineStateEvents('contacts', 'contact', 'Contact', contactState, {
    created: 'A contact was created.',
    updated: 'A contact changed.',
    merged: {
      description: 'Duplicate contacts were merged into this one (the target, in `state`); `mergedIds` are gone.',
      extra: { mergedIds: { type: 'array', items: { type: 'string', format: 'uuid' } } },
      required: ['mergedIds'],
    },
  }),
];
