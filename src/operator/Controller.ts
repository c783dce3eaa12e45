/**
 * The RoomRecording controller: informers on RoomRecordings and the pods it owns, a keyed work
 * queue, the pure `reconcile()` and the `Applier` that carries out its plan. Only the leader
 * processes the queue; a standby keeps its caches warm so it can take over at once.
 */
import { CoreV1Api, CustomObjectsApi, makeInformer, type Informer, type KubeConfig, type KubernetesListObject, type KubernetesObject, type ObjectCache, type V1Pod } from "@kubernetes/client-node";
import type { Logger } from "../observability/logger.ts";
import type { RoomRecording, RoomRecordingStatus } from "./types.ts";
import type { OperatorSettings } from "./settings.ts";
import { GROUP, PLURAL, VERSION } from "./types.ts";
import { LABEL_MANAGED_BY, MANAGED_BY } from "./names.ts";
import { Applier } from "./apply.ts";
import { reconcile, type ReconcilePlan } from "./reconcile.ts";
import { RosterTracker } from "./RosterTracker.ts";
import { WorkQueue } from "./WorkQueue.ts";
import type { OperatorMetrics } from "./metrics.ts";
import type { Bus } from "../bus/Bus.ts";
import { podComponent } from "./podState.ts";
import { stableJson } from "./stableJson.ts";
import { isConflict } from "./errors.ts";
import { trimCachedObject, trimCachedPod } from "./cacheTrim.ts";

/** Level-triggered safety net: informers can miss events (notes §3, silent watch death). */
export const RESYNC_MS = 30_000;
const ERROR_RETRY_MS = 5_000;
const GAUGE_INTERVAL_MS = 5_000;
const CONFLICT_RETRY_MS = 500;
const EXPECTATION_POLL_MS = 250;
const EXPECTATION_TIMEOUT_MS = 10_000;
const INFORMER_RESTART_MS = 3_000;

export interface ControllerOptions {
  readonly kubeConfig: KubeConfig;
  readonly bus: Bus;
  readonly settings: OperatorSettings;
  readonly metrics: OperatorMetrics;
  readonly log: Logger;
  /** Watch one namespace only; all namespaces when undefined. */
  readonly namespace?: string;
  /** Reporting component of Events. */
  readonly identity: string;
}

const keyOf = (namespace: string | undefined, name: string | undefined) => `${namespace}/${name}`;

export class Controller {
  readonly #opts: ControllerOptions;
  readonly #log: Logger;
  readonly #applier: Applier;
  readonly #queue: WorkQueue;
  readonly #roster: RosterTracker;
  readonly #recordings: Informer<RoomRecording> & ObjectCache<RoomRecording>;
  readonly #pods: Informer<V1Pod> & ObjectCache<V1Pod>;
  /** Status this replica last wrote per recording: the truth while the cache lags behind. */
  readonly #written = new Map<string, RoomRecordingStatus>();
  /** Pods created but not yet seen in the cache (controller-runtime's "expectations"). */
  readonly #expected = new Map<string, { names: Set<string>; until: number }>();
  #leading = false;
  #synced = 0;
  #resync: NodeJS.Timeout | undefined;
  #gauges: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: ControllerOptions) {
    this.#opts = opts;
    this.#log = opts.log.child({ component: "controller" });
    this.#applier = new Applier(opts.kubeConfig, opts.identity);
    this.#queue = new WorkQueue((key) => this.#process(key), 4);
    this.#roster = new RosterTracker(opts.bus, opts.log, (key) => this.#queue.add(key));
    const custom = opts.kubeConfig.makeApiClient(CustomObjectsApi);
    const core = opts.kubeConfig.makeApiClient(CoreV1Api);
    const ns = opts.namespace;
    const selector = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;
    this.#recordings = makeInformer<RoomRecording>(
      opts.kubeConfig,
      ns ? `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}` : `/apis/${GROUP}/${VERSION}/${PLURAL}`,
      async () =>
        (ns
          ? await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: PLURAL })
          : await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })) as KubernetesListObject<RoomRecording>,
    );
    this.#pods = makeInformer<V1Pod>(
      opts.kubeConfig,
      ns ? `/api/v1/namespaces/${ns}/pods` : "/api/v1/pods",
      () => (ns ? core.listNamespacedPod({ namespace: ns, labelSelector: selector }) : core.listPodForAllNamespaces({ labelSelector: selector })),
      selector,
    );
    this.#wire();
  }

  /** Both informers listed at least once. */
  get synced(): boolean {
    return this.#synced >= 2;
  }

  async start(): Promise<void> {
    await Promise.all([this.#startInformer(this.#recordings, "roomrecordings"), this.#startInformer(this.#pods, "pods")]);
    this.#resync = setInterval(() => this.#enqueueAll(), RESYNC_MS);
    this.#resync.unref();
    // Gauges from the caches on a timer, not per pass: a pass must not walk every pod.
    this.#gauges = setInterval(() => this.#updateGauges(), GAUGE_INTERVAL_MS);
    this.#gauges.unref();
    this.#updateGauges();
  }

  setLeading(leading: boolean): void {
    this.#leading = leading;
    this.#written.clear();
    this.#expected.clear();
    this.#opts.metrics.leader.set(leading ? 1 : 0);
    if (leading) this.#enqueueAll();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#resync);
    clearInterval(this.#gauges);
    this.#queue.close();
    this.#roster.close();
    await Promise.allSettled([this.#recordings.stop(), this.#pods.stop()]);
  }

  #wire(): void {
    // First handlers: trim what the caches keep before anything else sees the object (cacheTrim.ts).
    this.#recordings.on("add", trimCachedObject);
    this.#recordings.on("update", trimCachedObject);
    this.#pods.on("add", trimCachedPod);
    this.#pods.on("update", trimCachedPod);
    const onRec = (rec: RoomRecording) => {
      const key = keyOf(rec.metadata.namespace, rec.metadata.name);
      this.#roster.track(key, { scope: rec.metadata.namespace, recording: rec.metadata.name });
      this.#queue.add(key);
    };
    this.#recordings.on("add", onRec);
    this.#recordings.on("update", onRec);
    this.#recordings.on("delete", (rec) => {
      const key = keyOf(rec.metadata.namespace, rec.metadata.name);
      this.#roster.untrack(key);
      this.#queue.forget(key);
      this.#written.delete(key);
      this.#expected.delete(key);
    });
    const onPod = (pod: V1Pod) => {
      const owner = pod.metadata?.ownerReferences?.find((o) => o.controller && o.kind === "RoomRecording");
      if (owner) this.#queue.add(keyOf(pod.metadata?.namespace, owner.name));
    };
    this.#pods.on("add", onPod);
    this.#pods.on("update", onPod);
    this.#pods.on("delete", onPod);
  }

  async #startInformer<T extends KubernetesObject>(informer: Informer<T>, what: string): Promise<void> {
    // client-node stops an informer on any non-timeout error: restart it (notes §3).
    informer.on("error", (err) => {
      this.#log.warn({ err, informer: what }, "watch failed; restarting");
      setTimeout(() => void informer.start().catch(() => undefined), INFORMER_RESTART_MS).unref();
    });
    for (;;) {
      try {
        await informer.start();
        this.#synced++;
        return;
      } catch (err) {
        if (this.#closed) return;
        this.#log.warn({ err, informer: what }, "initial list failed; retrying");
        await new Promise((r) => setTimeout(r, INFORMER_RESTART_MS));
      }
    }
  }

  #enqueueAll(): void {
    for (const rec of this.#recordings.list()) this.#queue.add(keyOf(rec.metadata.namespace, rec.metadata.name));
  }

  async #process(key: string): Promise<void> {
    if (!this.#leading || this.#closed) return;
    const [namespace, name] = key.split("/") as [string, string];
    const cached = this.#recordings.get(name, namespace);
    if (!cached) {
      this.#roster.untrack(key);
      return;
    }
    const written = this.#written.get(key);
    const rec = written ? { ...cached, status: written } : cached;
    const log = this.#log.child({ recording: name, namespace });
    const pods = this.#pods.list(namespace).filter((p) => p.metadata?.ownerReferences?.some((o) => o.uid === rec.metadata.uid));
    if (this.#awaitingPods(key, pods)) {
      this.#queue.add(key, EXPECTATION_POLL_MS);
      return;
    }
    const end = this.#opts.metrics.reconcileSeconds.startTimer();
    try {
      const plan = reconcile({
        rec,
        pods,
        ...withRoster(this.#roster.roster(key)),
        heartbeats: this.#roster.heartbeats(key),
        settings: this.#opts.settings,
        now: Date.now(),
      });
      await this.#carryOut(key, rec, plan, log);
      this.#opts.metrics.reconciles.inc({ result: "success" });
      if (plan.requeueAfterMs !== undefined) this.#queue.add(key, plan.requeueAfterMs);
    } catch (err) {
      if (isConflict(err)) {
        // Our cached copy is older than the server's (e.g. right after adding the finalizer).
        this.#opts.metrics.reconciles.inc({ result: "conflict" });
        log.debug({ err }, "conflict; retrying with a fresher copy");
        this.#queue.add(key, CONFLICT_RETRY_MS);
        return;
      }
      this.#opts.metrics.reconciles.inc({ result: "error" });
      this.#opts.metrics.reconcileErrors.inc();
      log.error({ err }, "reconcile failed; retrying");
      this.#queue.add(key, ERROR_RETRY_MS);
    } finally {
      end();
    }
  }

  /** True while pods this replica created are not in the cache yet (bounded by a deadline). */
  #awaitingPods(key: string, pods: readonly V1Pod[]): boolean {
    const exp = this.#expected.get(key);
    if (!exp) return false;
    const seen = new Set(pods.map((p) => p.metadata?.name));
    for (const n of exp.names) if (seen.has(n)) exp.names.delete(n);
    if (exp.names.size === 0 || Date.now() > exp.until) {
      this.#expected.delete(key);
      return false;
    }
    return true;
  }

  async #carryOut(key: string, rec: RoomRecording, plan: ReconcilePlan, log: Logger): Promise<void> {
    if (plan.addFinalizer) {
      // The resulting update event brings us back with the finalizer in place.
      await this.#applier.setFinalizer(rec, true);
      return;
    }
    // The ServiceAccount goes first (pods name it); the pods of one pass are independent.
    const [first, rest] = plan.apply[0]?.kind === "ServiceAccount" ? [plan.apply.slice(0, 1), plan.apply.slice(1)] : [[], plan.apply];
    for (const obj of first) await this.#applier.apply(obj);
    await Promise.all(rest.map((obj) => this.#applier.apply(obj)));
    const createdPods = new Set(rest.filter((o) => o.kind === "Pod").map((o) => o.metadata!.name!));
    if (plan.apply.length) log.info({ objects: plan.apply.map((o) => `${o.kind}/${o.metadata?.name}`) }, "applied");
    if (createdPods.size) this.#expected.set(key, { names: createdPods, until: Date.now() + EXPECTATION_TIMEOUT_MS });
    await Promise.all(plan.deletePods.map((pod) => this.#applier.deletePod(rec.metadata.namespace, pod)));
    if (plan.deletePods.length) log.info({ pods: plan.deletePods }, "deleted pods");
    if (stableJson(plan.status) !== stableJson(rec.status ?? {})) {
      await this.#applier.writeStatus(rec, plan.status);
      this.#written.set(key, plan.status);
    }
    for (const ev of plan.events) log.info({ reason: ev.reason, eventType: ev.type }, ev.message);
    await Promise.all(plan.events.map((ev) => this.#applier.recordEvent(rec, ev).catch((err: unknown) => log.warn({ err }, "could not record an event"))));
    if (plan.removeFinalizer) {
      await this.#applier.setFinalizer(rec, false);
      this.#roster.untrack(keyOf(rec.metadata.namespace, rec.metadata.name));
    }
  }

  #updateGauges(): void {
    const m = this.#opts.metrics;
    m.queueDepth.set(this.#queue.depth);
    m.managedPods.reset();
    for (const pod of this.#pods.list()) m.managedPods.inc({ component: podComponent(pod) ?? "unknown", phase: pod.status?.phase ?? "Unknown" });
    m.recordings.reset();
    m.streams.reset();
    for (const rec of this.#recordings.list()) {
      m.recordings.inc({ phase: rec.status?.phase ?? "New" });
      for (const s of rec.status?.streamStatuses ?? []) m.streams.inc({ phase: s.phase });
    }
  }
}

const withRoster = (roster: ReturnType<RosterTracker["roster"]>) => (roster ? { roster } : {});
