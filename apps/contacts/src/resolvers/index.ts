import { scalarResolvers } from '@crm/graphql';
import { configurationResolvers } from './configuration';
import { contactResolvers } from './contacts';
import { duplicateResolvers } from './duplicates';
import { importResolvers } from './import';
import { mergeResolvers } from './util';

/** One map per file; append new files to the list. */
export const resolvers = mergeResolvers(
  { DateTime: scalarResolvers.DateTime as never, Date: scalarResolvers.Date as never },
  contactResolvers,
  configurationResolvers,
  duplicateResolvers,
  importResolvers,
);
