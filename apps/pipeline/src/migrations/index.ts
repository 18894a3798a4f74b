import { CreateOpportunities1732320000000 } from './1732320000000-create-opportunities';
import { PipelineCore1732500000000 } from './1732500000000-pipeline-core';
import { ContactCopy1732500000001 } from './1732500000001-contact-copy';
import { CacheVersions1732500000002 } from './1732500000002-cache-versions';
import { OrderConfirmationMarksWon1732500000003 } from './1732500000003-order-confirmation-marks-won';
import { PublishCurrencyRates1732500000004 } from './1732500000004-publish-currency-rates';
import { PipelineRules1732500000005 } from './1732500000005-pipeline-rules';
import { ContactCopyMasterFields1732500000006 } from './1732500000006-contact-copy-master-fields';
import { HistoryLeadGeneration1732500000007 } from './1732500000007-history-lead-generation';
import { PhoneMatchKey1732500000008 } from './1732500000008-phone-match-key';

/** In the order they apply. */
export const migrations = [
  CreateOpportunities1732320000000,
  PipelineCore1732500000000,
  ContactCopy1732500000001,
  CacheVersions1732500000002,
  OrderConfirmationMarksWon1732500000003,
  PublishCurrencyRates1732500000004,
  PipelineRules1732500000005,
  ContactCopyMasterFields1732500000006,
  HistoryLeadGeneration1732500000007,
  PhoneMatchKey1732500000008,
];
