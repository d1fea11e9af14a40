import { Server as NetServer, type Socket } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Shutting an HTTP/1.1 server down without resetting its kept-alive clients.
 *
 * A client keeps a connection open after each response and sends its next request on it whenever it
 * likes; HTTP/1.1 has no way for a server to say "no more" on a connection that is idle. A server that
 * closes such a connection at the moment a request is on its way resets that request, and the client
 * cannot know whether a POST took effect (Node's `server.close()` and Apollo's drain plugin do exactly
 * that: they close every idle connection at once). So, once draining starts:
 * - no new connections are accepted;
 * - every response says `Connection: close` (the client then opens a new connection, which is
 *   refused, so it knows for certain that its next request was not received), and the connection
 *   closes after it; responses already being written finish as they are;
 * - a request arriving on a connection that was idle is still answered, the same way;
 * - a connection left idle closes when its keep-alive timeout (`Keep-Alive: timeout=5`, which clients
 *   were told) runs out, as it would have without a shutdown: never while a client may still use it;
 * - whatever is still open when the grace period ends is destroyed.
 */
export class ConnectionDrain {
  private draining = false;
  private readonly open = new Set<Socket>();
  /** Responses whose headers may not be written yet: each must learn that the connection will close. */
  private readonly pending = new Set<ServerResponse>();

  /** Must be created before the server's own request listener, so that it sees each request first. */
  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.open.add(socket);
      socket.once('close', () => this.open.delete(socket));
    });
    server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (this.draining) return void res.setHeader('connection', 'close');
      this.pending.add(res);
      res.once('close', () => this.pending.delete(res));
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Drains: resolves true once every connection has closed by itself, false when the grace period ran
   * out and the rest were destroyed.
   */
  async drain(graceMs: number): Promise<boolean> {
    this.draining = true;
    for (const res of this.pending) if (!res.headersSent) res.setHeader('connection', 'close');
    this.pending.clear();
    const closed = new Promise<void>((resolve) => {
      // net.Server's close: stops listening and waits for the open connections, without http.Server's
      // extra step of closing every idle connection at once.
      NetServer.prototype.close.call(this.server, () => resolve());
    });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
    const graceful = await Promise.race([closed.then(() => true), expired]);
    clearTimeout(timer);
    if (!graceful) {
      for (const socket of this.open) socket.destroy();
      await closed;
    }
    // http.Server keeps a timer that checks request timeouts (kept running while draining, so slow
    // clients still time out); only its own close() stops it. Nothing is listening any more, so this
    // close has nothing else to do.
    this.server.close(() => undefined);
    return graceful;
  }
}
