import type { DataSource } from 'typeorm';
import type { Clock } from '@crm/runtime';
import type { ReportingConfig } from '../config';
import type { ReportingServices } from '../context';
import { ActivityAnalysisService } from './activity-analysis-service';
import { ContactReportService } from './contact-report-service';
import { ExportService } from './export-service';
import { FollowUpConfigService } from './follow-up-config-service';
import { FollowUpService } from './follow-up-service';
import { PipelineAnalysisService } from './pipeline-analysis-service';
import { PipelineAsOfService } from './pipeline-as-of-service';
import { TeamDashboardService } from './team-dashboard-service';
import { WinLossService } from './win-loss-service';

/** Every service of the reporting process over one DataSource. */
export function createServices(dataSource: DataSource, clock: Clock, config: ReportingConfig, publicUrl: () => string): ReportingServices {
  const followUpConfig = new FollowUpConfigService(dataSource);
  return {
    clock,
    contactReports: new ContactReportService(dataSource),
    pipeline: new PipelineAnalysisService(dataSource, clock),
    winLoss: new WinLossService(dataSource, clock),
    activities: new ActivityAnalysisService(dataSource),
    teams: new TeamDashboardService(dataSource, clock),
    followUpConfig,
    followUp: new FollowUpService(dataSource, followUpConfig),
    asOf: new PipelineAsOfService(dataSource),
    exports: new ExportService(dataSource, followUpConfig, {
      secret: config.exportSecret,
      linkTtlSeconds: config.exportLinkTtlSeconds,
      rowLimits: config.exportRowLimits,
      publicUrl,
    }),
  };
}
