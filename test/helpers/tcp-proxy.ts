/**
 * A loopback TCP proxy in front of PostgreSQL, with fault controls for tests:
 *
 * - {@link TcpProxy.dropAll}: drop every open connection now (as a network blip or a
 *   restarted load balancer would);
 * - {@link TcpProxy.refuse}: reset every new connection for a while (the server looks down);
 * - {@link TcpProxy.failAfterCommit}: let a matching statement through, wait until the server
 *   has answered it *and committed* (its `ReadyForQuery` arrived with the transaction idle),
 *   then kill the connection without passing the answer on: the client sees a connection
 *   error although the server committed;
 * - {@link TcpProxy.partition}: hold every byte in both directions for a while (existing and
 *   new connections), then deliver what was held, as TCP does after a network partition heals.
 *
 * To know which statement a connection carries and when its answer is complete, the proxy
 * follows the PostgreSQL wire protocol (v3) in both directions: the untyped startup packets
 * (`SSLRequest`, `GSSENCRequest`, `StartupMessage`, `CancelRequest`), then typed messages (one
 * type byte, an int32 length that counts itself). Bytes are always forwarded unchanged; only
 * the fault controls withhold or cut them.
 *
 * @module
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Where the proxy forwards to. */
export interface ProxyTarget {
  readonly host: string;
  readonly port: number;
}

/** A statement whose answer the proxy withheld and whose connection it killed. */
export interface FailedAfterCommit {
  /** The statement text (from the `Parse` or simple `Query` message). */
  readonly sql: string;
  /** Data rows the server returned (for a claim: 1 when it claimed). */
  readonly rows: number;
  /** The server reported an error for it (then nothing committed). */
  readonly error: boolean;
  /** Transaction status in the `ReadyForQuery`: `I` (idle: an autocommit statement committed), `T`, `E`. */
  readonly status: string;
  /** When the connection was killed (epoch ms). */
  readonly at: number;
}

/** Counters of what the proxy did. */
export interface ProxyStats {
  /** Connections accepted and forwarded. */
  accepted: number;
  /** Connections reset on arrival by {@link TcpProxy.refuse}. */
  refused: number;
  /** Connections dropped by {@link TcpProxy.dropAll}. */
  dropped: number;
  /** Statements whose answer was withheld after the server committed them. */
  readonly failedAfterCommit: FailedAfterCommit[];
}

/** A rule armed by {@link TcpProxy.failAfterCommit}. */
interface CommitRule {
  readonly match: (sql: string) => boolean;
  remaining: number;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/**
 * Splits one direction of the protocol into messages. Untyped packets come first (the client's
 * startup packets; the server's one-byte answers to SSL/GSS requests), then typed messages.
 */
class MessageReader {
  #buffer: Buffer = Buffer.alloc(0);
  readonly #next: () => 'typed' | 'untyped' | 'byte';
  readonly #onMessage: (type: string, body: Buffer) => void;

  /**
   * @param next - what the next message is: `typed` (a type byte, then the length), `untyped`
   *   (a startup packet: the length only) or `byte` (a one-byte answer to an SSL/GSS request)
   * @param onMessage - receives each complete message: its type (`''` for untyped) and body
   */
  constructor(next: () => 'typed' | 'untyped' | 'byte', onMessage: (type: string, body: Buffer) => void) {
    this.#next = next;
    this.#onMessage = onMessage;
  }

  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const kind = this.#next();
      if (kind === 'byte') {
        if (this.#buffer.length < 1) return;
        const byte = this.#buffer.subarray(0, 1);
        this.#buffer = this.#buffer.subarray(1);
        this.#onMessage('', byte);
        continue;
      }
      const header = kind === 'typed' ? 5 : 4;
      if (this.#buffer.length < header) return;
      const length = this.#buffer.readInt32BE(header - 4);
      const total = header - 4 + length;
      if (length < 4 || this.#buffer.length < total) return;
      const type = kind === 'typed' ? String.fromCharCode(this.#buffer[0] as number) : '';
      const body = this.#buffer.subarray(header, total);
      this.#buffer = this.#buffer.subarray(total);
      this.#onMessage(type, body);
    }
  }
}

/** One client connection and its upstream twin. */
class ProxiedConnection {
  readonly #client: Socket;
  readonly #upstream: Socket;
  readonly #proxy: TcpProxy;
  /** Server one-byte answers still expected (SSL/GSS requests). */
  #pendingByteAnswers = 0;
  #clientStarted = false;
  /** Set while a doomed statement's answer is being withheld. */
  #doomed: { sql: string; rows: number; error: boolean } | null = null;
  /** Bytes held during a partition, per direction. */
  readonly #heldToServer: Buffer[] = [];
  readonly #heldToClient: Buffer[] = [];
  #closed = false;
  readonly #fromClient: MessageReader;
  readonly #fromServer: MessageReader;

  constructor(client: Socket, target: ProxyTarget, proxy: TcpProxy) {
    this.#client = client;
    this.#proxy = proxy;
    this.#upstream = connect(target.port, target.host);
    client.setNoDelay(true);
    this.#upstream.setNoDelay(true);
    this.#fromClient = new MessageReader(
      () => (this.#clientStarted ? 'typed' : 'untyped'),
      (type, body) => this.#onClientMessage(type, body),
    );
    this.#fromServer = new MessageReader(
      () => (this.#pendingByteAnswers > 0 ? 'byte' : 'typed'),
      (type, body) => this.#onServerMessage(type, body),
    );
    client.on('data', (chunk: Buffer) => {
      this.#fromClient.push(chunk);
      if (this.#proxy.partitioned) this.#heldToServer.push(chunk);
      else this.#upstream.write(chunk);
    });
    this.#upstream.on('data', (chunk: Buffer) => {
      const doomedBefore = this.#doomed !== null;
      this.#fromServer.push(chunk);
      if (doomedBefore || this.#closed) return; // withheld: the connection dies at ReadyForQuery
      if (this.#proxy.partitioned) this.#heldToClient.push(chunk);
      else this.#client.write(chunk);
    });
    const close = (): void => this.close();
    client.on('error', close).on('close', close);
    this.#upstream.on('error', close).on('close', close);
  }

  /** Delivers what a partition held. */
  heal(): void {
    if (this.#closed) return;
    for (const chunk of this.#heldToServer.splice(0)) this.#upstream.write(chunk);
    for (const chunk of this.#heldToClient.splice(0)) this.#client.write(chunk);
  }

  /** Destroys both sockets (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.destroy();
    this.#upstream.destroy();
    this.#proxy.forget(this);
  }

  #onClientMessage(type: string, body: Buffer): void {
    if (type === '') {
      const code = body.length >= 4 ? body.readInt32BE(0) : 0;
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) this.#pendingByteAnswers += 1;
      else if (code !== CANCEL_REQUEST) this.#clientStarted = true;
      return;
    }
    let sql: string | null = null;
    if (type === 'Q') sql = cString(body, 0);
    else if (type === 'P') sql = cString(body, body.indexOf(0) + 1);
    if (sql !== null && this.#doomed === null && this.#proxy.shouldFailAfterCommit(sql)) {
      this.#doomed = { sql, rows: 0, error: false };
    }
  }

  #onServerMessage(type: string, body: Buffer): void {
    if (type === '') {
      this.#pendingByteAnswers -= 1;
      return;
    }
    const doomed = this.#doomed;
    if (doomed === null) return;
    if (type === 'D') doomed.rows += 1;
    else if (type === 'E') doomed.error = true;
    else if (type === 'Z') {
      this.#proxy.stats.failedAfterCommit.push({
        sql: doomed.sql,
        rows: doomed.rows,
        error: doomed.error,
        status: String.fromCharCode(body[0] ?? 63),
        at: Date.now(),
      });
      this.#client.resetAndDestroy();
      this.close();
    }
  }
}

/** The NUL-terminated string at `offset` of `buffer`. */
function cString(buffer: Buffer, offset: number): string {
  const end = buffer.indexOf(0, offset);
  return buffer.toString('utf8', offset, end === -1 ? buffer.length : end);
}

/** A loopback TCP proxy with fault controls; see the module documentation. */
export class TcpProxy {
  /** What the proxy did so far. */
  readonly stats: ProxyStats = { accepted: 0, refused: 0, dropped: 0, failedAfterCommit: [] };
  readonly #server: Server;
  readonly #target: ProxyTarget;
  readonly #connections = new Set<ProxiedConnection>();
  readonly #rules: CommitRule[] = [];
  #refuseUntil = 0;
  #partitionTimer: NodeJS.Timeout | undefined;
  #partitioned = false;
  #port = 0;

  private constructor(target: ProxyTarget) {
    this.#target = target;
    this.#server = createServer((client) => this.#accept(client));
  }

  /** Starts a proxy to `target` on a free loopback port. */
  static async start(target: ProxyTarget): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = proxy.#server.address();
    proxy.#port = typeof address === 'object' && address !== null ? address.port : 0;
    return proxy;
  }

  /** The loopback port the proxy listens on. */
  get port(): number {
    return this.#port;
  }

  /** Connections open now. */
  get openConnections(): number {
    return this.#connections.size;
  }

  /** Whether a partition holds the traffic now. */
  get partitioned(): boolean {
    return this.#partitioned;
  }

  /** `url` (a `postgres://` URL of the target) rewritten to go through this proxy. */
  urlFor(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.#port);
    return proxied.toString();
  }

  /** Drops every open connection now. Returns how many. */
  dropAll(): number {
    const count = this.#connections.size;
    for (const connection of [...this.#connections]) connection.close();
    this.stats.dropped += count;
    return count;
  }

  /** Resets every connection that arrives in the next `ms` milliseconds. */
  refuse(ms: number): void {
    this.#refuseUntil = Math.max(this.#refuseUntil, Date.now() + ms);
  }

  /**
   * Arms a fault: the next `times` statements whose text satisfies `match` go through, and once
   * the server has answered and committed each, its connection is killed before the answer
   * reaches the client. Recorded in {@link ProxyStats.failedAfterCommit}.
   */
  failAfterCommit(match: (sql: string) => boolean, times = 1): void {
    this.#rules.push({ match, remaining: times });
  }

  /** Number of armed {@link TcpProxy.failAfterCommit} faults not yet used. */
  get armedFaults(): number {
    return this.#rules.reduce((sum, rule) => sum + rule.remaining, 0);
  }

  /**
   * Holds all traffic, both ways, on every connection (new ones too) for `ms` milliseconds, then
   * delivers it: neither side sees an error, only silence, as in a network partition.
   */
  partition(ms: number): void {
    this.#partitioned = true;
    clearTimeout(this.#partitionTimer);
    this.#partitionTimer = setTimeout(() => this.heal(), ms);
  }

  /** Ends a partition now, delivering what it held. */
  heal(): void {
    clearTimeout(this.#partitionTimer);
    this.#partitioned = false;
    for (const connection of this.#connections) connection.heal();
  }

  /** Closes the proxy and every connection. */
  async close(): Promise<void> {
    clearTimeout(this.#partitionTimer);
    this.#partitioned = false;
    for (const connection of [...this.#connections]) connection.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** @internal Whether a statement must fail after its commit (consumes one armed fault). */
  shouldFailAfterCommit(sql: string): boolean {
    const rule = this.#rules.find((candidate) => candidate.remaining > 0 && candidate.match(sql));
    if (rule === undefined) return false;
    rule.remaining -= 1;
    return true;
  }

  /** @internal A connection closed. */
  forget(connection: ProxiedConnection): void {
    this.#connections.delete(connection);
  }

  #accept(client: Socket): void {
    if (Date.now() < this.#refuseUntil) {
      this.stats.refused += 1;
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    this.stats.accepted += 1;
    this.#connections.add(new ProxiedConnection(client, this.#target, this));
  }
}
