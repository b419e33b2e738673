/**
 * A real redis-server (Debian's) for one test or benchmark: a directory of its own and a free loopback port,
 * started and stopped (or killed and restarted) by its caller.
 */
import { execa, type ResultPromise } from 'execa';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export class RedisServer {
  private process?: ResultPromise;

  private constructor(
    readonly port: number,
    readonly dir: string,
    /** With an append-only file fsynced on every write: a killed server restarts with all it had. */
    readonly persistent: boolean,
  ) {}

  /** `dir` holds its log and, when persistent, its append-only file. */
  static async start(dir: string, options: { persistent?: boolean } = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), dir, options.persistent ?? false);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** A client for the test's own reads and writes (close it). */
  client(): Redis {
    const client = new Redis(this.url, { maxRetriesPerRequest: null });
    client.on('error', () => {}); // retried; a test that restarts the server expects refusals meanwhile
    return client;
  }

  private async launch(): Promise<void> {
    const persistence = this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    this.process = execa(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', ...persistence, '--logfile', join(this.dir, 'redis.log')],
      { reject: false },
    );
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {}); // refused until the server listens: the loop below retries
    try {
      for (let i = 0; ; i++) {
        try {
          if (probe.status !== 'ready') await probe.connect();
          await probe.ping();
          return;
        } catch (error) {
          if (i > 100) throw error;
          probe.disconnect();
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      probe.disconnect();
    }
  }

  /** SIGKILL, as a crashed server; returns once it is gone. */
  async kill(): Promise<void> {
    this.process?.kill('SIGKILL');
    await this.process;
    this.process = undefined;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    this.process?.kill('SIGTERM');
    await this.process;
    this.process = undefined;
  }
}
