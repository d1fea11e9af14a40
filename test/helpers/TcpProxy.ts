import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a real PostgreSQL or Redis, so a test can make the dependency fail
 * without stopping the shared server:
 * - `up`: bytes flow both ways;
 * - `down`: every connection is cut and new ones are closed at once (the server "went away");
 * - `hang`: connections are accepted and held, nothing is answered (a stuck server or a black hole).
 */
export class TcpProxy {
  private mode: 'up' | 'down' | 'hang' = 'up';
  private readonly sockets = new Set<Socket>();
  private server?: Server;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as AddressInfo).port;
  }

  setMode(mode: 'up' | 'down' | 'hang'): void {
    this.mode = mode;
    // Connections held while hanging stay dead after `up`, as half-open connections do; clients must
    // notice and reconnect.
    if (mode !== 'up') for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    this.setMode('down');
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private accept(client: Socket): void {
    if (this.mode === 'down') return void client.destroy();
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    if (this.mode === 'hang') return;
    const upstream = createConnection(this.target);
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
