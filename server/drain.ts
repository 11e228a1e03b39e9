// Graceful shutdown's HTTP half. Draining, the server stops accepting connections, answers any new
// request on an open connection 503 (`Connection: close`), lets the requests in flight finish
// (their answers close their connections too), then closes the connections left idle. Idle
// connections are kept a moment first: a client may be sending on one, and closing it under that
// request would lose it where a 503 tells the client to go elsewhere.
import { Server as NetServer, type Socket } from 'node:net';
import type { RequestListener, Server, ServerResponse } from 'node:http';
import { within } from './awaitable.js';
import { answerAtEdge } from './http.js';
import { Problem } from './problem.js';

/** How long requests in flight get to finish when the service closes (SLUICE_SHUTDOWN_TIMEOUT_MS). */
export const SHUTDOWN_TIMEOUT_MS = 25_000;

/** How long connections left idle are kept open once the requests in flight have ended. */
export const IDLE_GRACE_MS = 500;

const refusal = new Problem(503, 'shutting-down', 'this instance is shutting down; send the request again (to another instance)', {}, 1);

export class Drain {
  private draining = false;
  private readonly inFlight = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private settled: (() => void) | undefined;

  /** Counts the requests in flight and refuses new ones while draining. */
  listener(next: RequestListener): RequestListener {
    return (incoming, outgoing) => {
      if (this.draining) return answerAtEdge(outgoing, refusal);
      this.inFlight.add(outgoing);
      outgoing.on('close', () => {
        this.inFlight.delete(outgoing);
        if (!this.inFlight.size) this.settled?.();
      });
      next(incoming, outgoing);
    };
  }

  /** Keeps count of the server's connections, to close the idle ones at the end. */
  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Drains the server; resolves true when every request in flight finished within `timeoutMs`,
   * false when the rest were cut off then. Either way the server is closed.
   */
  async drain(server: Server, timeoutMs: number): Promise<boolean> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
    // net.Server's close stops accepting without http.Server's closing of idle connections.
    if (server.listening) NetServer.prototype.close.call(server);
    for (const outgoing of this.inFlight) if (!outgoing.headersSent) outgoing.setHeader('connection', 'close');
    const deadline = Date.now() + timeoutMs;
    const finished = await within(deadline - Date.now(), new Promise<void>((resolve) => (this.inFlight.size ? (this.settled = resolve) : resolve())));
    if (finished && this.sockets.size) await within(Math.min(IDLE_GRACE_MS, deadline - Date.now()), new Promise(() => {}));
    server.closeIdleConnections();
    if (!finished) server.closeAllConnections();
    await closed;
    return finished;
  }
}
