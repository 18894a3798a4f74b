import type { BaseContext } from '@crm/service';
import type { Clock } from '@crm/runtime';
import type { ContactReportService } from './services/contact-report-service';
import type { CurrencyService } from './services/currency';
import type { PipelineAnalysisService } from './services/pipeline-analysis-service';
import type { WinLossService } from './services/win-loss-service';

export interface ReportingServices {
  clock: Clock;
  contactReports: ContactReportService;
  pipeline: PipelineAnalysisService;
  winLoss: WinLossService;
  currencies: CurrencyService;
}

export interface ReportingContext extends BaseContext {
  services: ReportingServices;
}
