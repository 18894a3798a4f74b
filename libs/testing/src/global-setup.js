// Jest globalSetup: make sure Postgres answers and the Kafka broker runs (the same scripts
// `npm start` uses). Unit-only runs set CRM_SKIP_INFRA=1.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function globalSetup() {
  if (process.env.CRM_SKIP_INFRA === '1' || process.env.CRM_INFRA_READY === '1') return;
  const root = path.join(__dirname, '..', '..', '..');
  execFileSync('bash', [path.join(root, 'tools/postgres/ensure.sh')], { stdio: 'inherit' });
  execFileSync('bash', [path.join(root, 'tools/kafka/kafka.sh'), 'start'], { stdio: 'inherit' });
  process.env.CRM_INFRA_READY = '1';
};
