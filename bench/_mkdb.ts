import { benchDatabase, loadOpportunities } from './reporting-support';
(async () => {
  const db = await benchDatabase('exp');
  await loadOpportunities(db.dataSource, 1_000_000, { properties: true });
  console.log(db.url);
  await db.dataSource.destroy();
  process.exit(0);
})();
