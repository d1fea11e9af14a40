import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a real PostgreSQL or Redis, so a test can make the dependency fail
 * without stopping the shared server:
 * - `up`: bytes flow both ways;
 * - `down`: every connection is cut and new ones are closed at once (the server went away);
 * - `hang`: open connections freeze (nothing more is forwarded, nothing is closed) and new ones are
 *   accepted and never answered: a stuck server or a network black hole. Connections frozen this way
 *   stay frozen after `up`, as half-open connections do; clients must notice and reconnect.
 */
export class TcpProxy {
  private mode: 'up' | 'down' | 'hang' = 'up';
  private readonly sockets = new Set<Socket>();
  private readonly forwarding = new Set<[Socket, Socket]>();
  private server?: Server;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as AddressInfo).port;
  }

  setMode(mode: 'up' | 'down' | 'hang'): void {
    this.mode = mode;
    if (mode === 'down') {
      for (const socket of this.sockets) socket.destroy();
      this.forwarding.clear();
    }
    if (mode === 'hang') {
      for (const [client, upstream] of this.forwarding) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      this.forwarding.clear();
    }
  }

  async stop(): Promise<void> {
    this.setMode('down');
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: Socket): void {
    if (this.mode === 'down') return void client.destroy();
    this.track(client);
    if (this.mode === 'hang') return void client.pause();
    const upstream = createConnection(this.target);
    this.track(upstream);
    const pair: [Socket, Socket] = [client, upstream];
    this.forwarding.add(pair);
    const end = () => {
      this.forwarding.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    upstream.on('close', end);
    client.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
