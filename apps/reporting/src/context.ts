import type { BaseContext } from '@crm/service';
import type { Clock } from '@crm/runtime';
import type { ActivityAnalysisService } from './services/activity-analysis-service';
import type { ContactReportService } from './services/contact-report-service';
import type { ExportService } from './services/export-service';
import type { FollowUpConfigService } from './services/follow-up-config-service';
import type { FollowUpService } from './services/follow-up-service';
import type { PipelineAnalysisService } from './services/pipeline-analysis-service';
import type { PipelineAsOfService } from './services/pipeline-as-of-service';
import type { TeamDashboardService } from './services/team-dashboard-service';
import type { WinLossService } from './services/win-loss-service';

export interface ReportingServices {
  clock: Clock;
  contactReports: ContactReportService;
  pipeline: PipelineAnalysisService;
  winLoss: WinLossService;
  activities: ActivityAnalysisService;
  teams: TeamDashboardService;
  followUpConfig: FollowUpConfigService;
  followUp: FollowUpService;
  asOf: PipelineAsOfService;
  exports: ExportService;
}

export interface ReportingContext extends BaseContext {
  services: ReportingServices;
}
