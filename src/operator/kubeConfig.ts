/**
 * A KubeConfig whose API calls share their connections. @kubernetes/client-node 2.0 builds a new
 * undici Agent for every request that carries TLS options (a CA, as in-cluster and every test
 * kubeconfig does): every request opened its own TLS connection (handshake, OpenSSL context,
 * HTTP/2 session), kept until the idle timeout. The operator makes thousands of calls per minute
 * at scale; measured at 200 recordings × 10 streams (docs/performance.md, "Operator"), ~385
 * connections stayed open and the process held ~590 MiB RSS against a ~70 MiB live heap.
 *
 * Here each request still gets its headers (tokens are re-read as client-node does), but the
 * dispatcher is one per TLS identity (cluster and user). It is renewed after MAX_AGE_MS, so a
 * rotated client certificate or CA file is used by new connections within that time; the old one
 * closes once its requests (long watches included) have finished.
 */
import { KubeConfig, type RequestContext } from "@kubernetes/client-node";
import type { Logger } from "../observability/logger.ts";

type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

export const SHARED_DISPATCHER_MAX_AGE_MS = 10 * 60_000;

export class SharedConnectionsKubeConfig extends KubeConfig {
  readonly #shared = new Map<string, { dispatcher: Dispatcher; until: number }>();
  readonly #log: Logger | undefined;

  constructor(log?: Logger) {
    super();
    this.#log = log;
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (!fresh) return; // plain http or no TLS options: undici's global dispatcher pools already
    const key = this.#identity();
    const now = Date.now();
    const current = this.#shared.get(key);
    if (current && now < current.until) {
      context.setDispatcher(current.dispatcher);
      void fresh.close().catch(() => undefined); // never used: it has no connection that could fail to close
      return;
    }
    this.#shared.set(key, { dispatcher: fresh, until: now + SHARED_DISPATCHER_MAX_AGE_MS });
    if (current) void current.dispatcher.close().catch((err: unknown) => this.#log?.debug({ err }, "closing the previous API connection pool"));
  }

  /** What the TLS side of a connection depends on: the cluster endpoint and the user's certificate. */
  #identity(): string {
    const c = this.getCurrentCluster();
    const u = this.getCurrentUser();
    return JSON.stringify([c?.name, c?.server, c?.caFile, c?.caData, c?.skipTLSVerify, c?.tlsServerName, u?.name, u?.certFile, u?.certData, u?.keyFile]);
  }
}
