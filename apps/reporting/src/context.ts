import type { BaseContext } from '@crm/service';
import type { ContactReportService } from './services/contact-report-service';

export interface ReportingContext extends BaseContext {
  contactReports: ContactReportService;
}
