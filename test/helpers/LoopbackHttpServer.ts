import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ServerMode = 'up' | 'down' | 'slow';

/**
 * An HTTP server on 127.0.0.1 (random port) that a test can take down or slow down, so the code under
 * test meets the failures a remote identity provider really has:
 * - `down`: the listening socket is closed and open connections are cut, so new requests get
 *   ECONNREFUSED (the provider went away); `up` listens again on the same port.
 * - `slow`: every request waits `delayMs` before it is handled (an overloaded provider), long enough
 *   for the caller's timeout to fire first.
 */
export class LoopbackHttpServer {
  private delayMs = 0;
  private portNumber = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly delays = new Set<NodeJS.Timeout>();

  constructor(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>) {
    this.server = createServer((req, res) => {
      void this.handle(handler, req, res);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get port(): number {
    return this.portNumber;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.portNumber}`;
  }

  async listen(port = this.portNumber): Promise<void> {
    if (this.server.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.portNumber = (this.server.address() as AddressInfo).port;
  }

  async setMode(mode: ServerMode, options: { delayMs?: number } = {}): Promise<void> {
    this.delayMs = mode === 'slow' ? (options.delayMs ?? 5_000) : 0;
    if (mode === 'down') await this.stopListening();
    else await this.listen();
  }

  async close(): Promise<void> {
    for (const timer of this.delays) clearTimeout(timer);
    this.delays.clear();
    await this.stopListening();
  }

  private async stopListening(): Promise<void> {
    const closed = new Promise<void>((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async handle(
    handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    if (this.delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.delays.delete(timer);
          resolve();
        }, this.delayMs);
        this.delays.add(timer);
      });
      if (res.destroyed) return;
    }
    // No keep-alive: a client holding a pooled connection would see `down` as a reset socket
    // (UND_ERR_SOCKET) instead of a refused connection, depending on timing.
    res.setHeader('connection', 'close');
    try {
      await handler(req, res);
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`test server error: ${(error as Error).message}`);
      } else res.destroy();
    }
  }
}
