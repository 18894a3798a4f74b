import { nullableUuid } from '../schemas/common';
import { contactState } from '../schemas/contacts';
import { defineStateEvents } from './define';

const ids = { type: 'array', items: { type: 'string', format: 'uuid' } };

export const CONTACTS_EVENTS = [
  ...defineStateEvents('contacts', 'contact', 'Contact', contactState, {
    created: 'A contact was created.',
    updated: 'A contact changed (`changes` lists the fields).',
    archived: {
      description: 'A contact was archived; `mergedIntoId` is set when a merge archived it.',
      extra: { mergedIntoId: nullableUuid },
    },
    restored: 'An archived contact was restored.',
    merged: {
      description:
        'Other contacts were merged into this one (the state is the merged contact); re-point references from `mergedIds` to the subject.',
      extra: { mergedIds: ids },
      required: ['mergedIds'],
    },
  }),
];
