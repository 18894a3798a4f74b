import { CreateProducts1732320000000 } from './1732320000000-create-products';
import { CreateTaxes1732400000000 } from './1732400000000-create-taxes';
import { CreateQuotations1732400000001 } from './1732400000001-create-quotations';
import { CreateProjectionsAndBookings1732400000002 } from './1732400000002-create-projections-and-bookings';
import { ContactReferenceIndexes1733600000000 } from './1733600000000-contact-reference-indexes';

/** In the order they apply. */
export const migrations = [
  CreateProducts1732320000000,
  CreateTaxes1732400000000,
  CreateQuotations1732400000001,
  CreateProjectionsAndBookings1732400000002,
  ContactReferenceIndexes1733600000000,
];
