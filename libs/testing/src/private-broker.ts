import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const KAFKA_SH = join(__dirname, '..', '..', '..', 'tools', 'kafka', 'kafka.sh');

/**
 * A second real broker of a test's own (same scripts, other ports and state dir), for tests
 * that stop and restart Kafka without disturbing the shared broker other tests use.
 */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class PrivateBroker {
  private readonly stateDir = mkdtempSync(join(tmpdir(), 'crm-kafka-'));
  private port = 0;
  private controllerPort = 0;

  /** Picks two free ports (so parallel runs never share a broker), then starts it. */
  static async start(): Promise<PrivateBroker> {
    const broker = new PrivateBroker();
    broker.port = await freePort();
    broker.controllerPort = await freePort();
    await broker.start();
    return broker;
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      KAFKA_PORT: String(this.port),
      KAFKA_CONTROLLER_PORT: String(this.controllerPort),
      KAFKA_STATE_DIR: this.stateDir,
    };
  }

  async start(): Promise<void> {
    await run('bash', [KAFKA_SH, 'start'], { env: this.env() });
  }

  async stop(): Promise<void> {
    await run('bash', [KAFKA_SH, 'stop'], { env: this.env() });
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
