/**
 * pipelineAnalysis grouped by stage × month over 1,000,000 opportunities: target p50 < 100 ms.
 * The read model answers from its cube (opportunity_cube, kept incrementally by the
 * projection); measured in the service and through the reporting subgraph's /graphql.
 */
import { performance } from 'node:perf_hooks';
import { signAccessToken, type AuthUser } from '@crm/auth';
import { reportingModule } from '@crm/reporting/src/module';
import { PipelineAnalysisService } from '@crm/reporting/src/services/pipeline-analysis-service';
import { systemClock, createLogger } from '@crm/runtime';
import { startSubgraph } from '@crm/service';
import { GraphQLClient } from '@crm/testing';
import { percentile, round, type Bench } from './harness';
import { benchDatabase, loadOpportunities } from './reporting-support';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 1_000_000);

async function time(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 5; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

const bench: Bench = async () => {
  const db = await benchDatabase('pipeline');
  try {
    const loadStarted = performance.now();
    await loadOpportunities(db.dataSource, ROWS);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const [grains] = await db.dataSource.query(
      `SELECT (SELECT count(*)::int FROM reporting.opportunity_cube_top) AS top, (SELECT count(*)::int FROM reporting.opportunity_cube_team) AS team,
              (SELECT count(*)::int FROM reporting.opportunity_cube) AS full`,
    );
    const service = new PipelineAnalysisService(db.dataSource, systemClock);
    const admin: AuthUser = { id: '01934d6e-0000-7000-8000-0000000000a1', role: 'admin', branchIds: [], teamIds: [], tz: 'UTC' };
    const teamUser: AuthUser = { id: '01934d6e-0000-7000-8001-000000000001', role: 'user_team', branchIds: [], teamIds: ['01934d6e-0000-7000-8002-000000000001'], tz: 'UTC' };
    const args = { groupBy: ['stage', 'month'] };
    const first = await service.pipelineAnalysis(admin, args);
    const adminSamples = await time(50, () => service.pipelineAnalysis(admin, args));
    const teamSamples = await time(30, () => service.pipelineAnalysis(teamUser, args));
    const filtered = await time(30, () => service.pipelineAnalysis(admin, { groupBy: ['stage', 'month'], filter: { from: '2025-01-01', to: '2025-12-31', type: 'OPPORTUNITY' } }));
    const recordSamples = await time(3, () => service.pipelineAnalysis(admin, args, { forceRecords: true }));

    // through HTTP: the reporting subgraph on this database (consumers idle on empty topics)
    const running = await startSubgraph(reportingModule, {
      port: 0,
      databaseUrl: db.url,
      messaging: { topicPrefix: `bench.${Date.now()}.` },
      logger: createLogger('bench'),
    });
    let httpSamples: number[] = [];
    try {
      const client = new GraphQLClient(running.url, await signAccessToken(admin));
      const query = `{ pipelineAnalysis(groupBy: ["stage", "month"]) { source rows { keys { value label } measures { count expectedRevenue { amount currency } proratedRevenue { amount currency } wonRevenue { amount currency } } } total { count } } }`;
      const check = await client.data(query);
      if (check.pipelineAnalysis.source !== 'cube' || check.pipelineAnalysis.total.count !== ROWS) throw new Error('unexpected answer');
      httpSamples = await time(50, () => client.data(query));
    } finally {
      await running.stop();
    }
    const p50 = percentile(adminSamples, 50);
    const httpP50 = percentile(httpSamples, 50);
    return {
      name: `reporting: pipelineAnalysis stage × month over ${ROWS.toLocaleString('en')} opportunities`,
      figures: {
        opportunities: ROWS,
        cubeTopRows: grains.top,
        cubeTeamRows: grains.team,
        cubeFullRows: grains.full,
        groups: first.rows.length,
        answeredFrom: first.grain,
        loadSeconds: round(loadSeconds, 1),
        serviceP50Ms: round(p50),
        serviceP95Ms: round(percentile(adminSamples, 95)),
        teamScopedP50Ms: round(percentile(teamSamples, 50)),
        filteredYearP50Ms: round(percentile(filtered, 50)),
        httpGraphqlP50Ms: round(httpP50),
        httpGraphqlP95Ms: round(percentile(httpSamples, 95)),
        fromRecordsP50Ms: round(percentile(recordSamples, 50)),
      },
      targets: [
        { description: 'pipelineAnalysis stage × month p50 < 100 ms (service)', met: p50 < 100 },
        { description: 'pipelineAnalysis stage × month p50 < 100 ms (HTTP /graphql)', met: httpP50 < 100 },
      ],
      notes: [
        'The cube has three grains kept incrementally by the projection (top: stage × creation month × pipeline × type × status × currency × active; team: + team, branch; full: + salesperson); a query reads the coarsest grain holding every column its group-bys, filters and record scope need. fromRecords is the same query over opportunity_rm, for comparison.',
        'The caller’s record scope is a predicate inside the aggregate SQL (teamScoped: a user_team caller, answered from the full grain).',
        'Synthetic data: salesperson, stage, creation time, status and currency drawn uniformly — the worst case for the full grain (about one cube row per three opportunities).',
      ],
    };
  } finally {
    await db.drop();
  }
};

export default bench;
