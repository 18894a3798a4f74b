import { nullableUuid } from '../schemas/common';
import { currencyRateState, opportunityState, pipelineState, stageChangedExtra, stageState, teamState } from '../schemas/pipeline';
import { defineStateEvents } from './define';

const ids = { type: 'array', items: { type: 'string', format: 'uuid' } };

export const PIPELINE_EVENTS = [
  ...defineStateEvents('pipeline', 'opportunity', 'Opportunity', opportunityState, {
    created: 'A lead or opportunity was created.',
    updated: 'Fields of a lead or opportunity changed (`changes` lists them).',
    stage_changed: {
      description: 'The opportunity moved to another stage.',
      extra: stageChangedExtra,
      required: ['fromStageId', 'toStageId', 'changedAt'],
    },
    won: 'Marked won (moved to the won stage, probability 100).',
    lost: { description: 'Marked lost with a reason (probability 0, archived).', extra: { lostReasonId: nullableUuid } },
    restored: 'A lost opportunity was restored.',
    converted: {
      description: 'A lead became an opportunity.',
      extra: { mergedIds: ids, createdCustomerId: nullableUuid },
    },
    merged: { description: 'Other leads/opportunities were merged into this one.', extra: { mergedIds: ids }, required: ['mergedIds'] },
    archived: 'Archived.',
    unarchived: 'Unarchived.',
    deleted: 'Deleted by an administrator (the state is the last one it had).',
  }),
  ...defineStateEvents('pipeline', 'team', 'Team', teamState, {
    created: 'A sales team was created.',
    updated: 'A sales team changed.',
  }),
  ...defineStateEvents('pipeline', 'stage', 'Stage', stageState, {
    created: 'A stage was created.',
    updated: 'A stage changed.',
    deleted: 'A stage was deleted.',
  }),
  ...defineStateEvents('pipeline', 'pipeline', 'Pipeline', pipelineState, {
    created: "A pipeline of a team was created (e.g. from a template such as the dealer's follow-up process).",
    updated: 'A pipeline changed (name, order, custom fields …).',
  }),
  ...defineStateEvents('pipeline', 'currency_rate', 'CurrencyRate', currencyRateState, {
    set: 'An exchange rate was set (pipeline owns the rate table; reports convert with the same rates).',
  }),
];
