/**
 * Leader election on a coordination.k8s.io/v1 Lease (client-node has none; notes §3): get → if
 * free, expired or ours, write our identity carrying the read resourceVersion, so of two
 * replicas racing for it exactly one write succeeds (the other gets 409). The leader renews every
 * `renewMs`; if it cannot renew before the lease would expire it steps down, so two replicas
 * never both act. Standard timings as client-go: 15 s lease, renew every 5 s (deadline 10 s).
 */
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from "@kubernetes/client-node";
import type { Logger } from "../observability/logger.ts";
import { isConflict, isNotFound } from "./errors.ts";

export interface LeaderElectorOptions {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  /** @default 15 */
  readonly leaseDurationSeconds?: number;
  /** @default 5000 */
  readonly retryMs?: number;
  /** Step down when the last successful renew is older than this. @default 10000 */
  readonly renewDeadlineMs?: number;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
}

export class LeaderElector {
  readonly #api: CoordinationV1Api;
  readonly #opts: Required<Omit<LeaderElectorOptions, "onStartedLeading" | "onStoppedLeading">> & LeaderElectorOptions;
  readonly #log: Logger;
  #leading = false;
  #lastRenew = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(kc: KubeConfig, opts: LeaderElectorOptions, log: Logger) {
    this.#api = kc.makeApiClient(CoordinationV1Api);
    this.#opts = { leaseDurationSeconds: 15, retryMs: 5_000, renewDeadlineMs: 10_000, ...opts };
    this.#log = log.child({ component: "leader-election", lease: `${opts.namespace}/${opts.name}`, identity: opts.identity });
  }

  get leading(): boolean {
    return this.#leading;
  }

  start(): void {
    void this.#tick();
  }

  /** Idempotent. A leader releases the lease so a standby takes over at once, not after expiry. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    if (this.#leading) {
      this.#setLeading(false);
      await this.#release().catch((err: unknown) => this.#log.warn({ err }, "could not release the lease"));
    }
  }

  async #tick(): Promise<void> {
    if (this.#closed) return;
    try {
      const ok = await this.#tryAcquireOrRenew();
      if (ok) this.#lastRenew = Date.now();
      if (ok && !this.#leading) this.#setLeading(true);
    } catch (err) {
      this.#log.warn({ err }, "lease request failed");
    }
    if (this.#leading && Date.now() - this.#lastRenew > this.#opts.renewDeadlineMs) this.#setLeading(false);
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#tick(), this.#leading ? this.#opts.retryMs : this.#opts.retryMs / 2);
  }

  #setLeading(leading: boolean): void {
    if (this.#leading === leading) return;
    this.#leading = leading;
    this.#log.info({ leading }, leading ? "became the leader" : "stopped leading");
    if (leading) this.#opts.onStartedLeading();
    else this.#opts.onStoppedLeading();
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity, leaseDurationSeconds } = this.#opts;
    const now = new V1MicroTime();
    let lease: V1Lease;
    try {
      lease = await this.#api.readNamespacedLease({ namespace, name });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return this.#write(() =>
        this.#api.createNamespacedLease({
          namespace,
          body: { metadata: { name, namespace }, spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 } },
        }),
      );
    }
    const spec = lease.spec ?? {};
    const ours = spec.holderIdentity === identity;
    const renewed = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
    const expired = !spec.holderIdentity || renewed + (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000 < Date.now();
    if (!ours && !expired) return false;
    const body: V1Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds,
        renewTime: now,
        ...(ours ? {} : { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
      },
    };
    // `lease` carries its resourceVersion: a concurrent writer makes this a 409, not a tie.
    return this.#write(() => this.#api.replaceNamespacedLease({ namespace, name, body }));
  }

  async #write(fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  async #release(): Promise<void> {
    const { namespace, name, identity } = this.#opts;
    const lease = await this.#api.readNamespacedLease({ namespace, name });
    if (lease.spec?.holderIdentity !== identity) return;
    await this.#api.replaceNamespacedLease({ namespace, name, body: { ...lease, spec: { ...lease.spec, holderIdentity: "", renewTime: undefined } } });
  }
}
