/**
 * The one place that writes to the API (style.md §5/§8): server-side apply of desired objects
 * under one field manager, graceful pod deletion, status merge patches, finalizer edits guarded
 * by resourceVersion, and Events. Every call maps errors to KubernetesError with context.
 */
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import type { RoomRecording, RoomRecordingStatus } from "./types.ts";
import { API_VERSION, GROUP, KIND, PLURAL, VERSION } from "./types.ts";
import { FINALIZER } from "./names.ts";
import type { PlannedEvent } from "./events.ts";
import { KubernetesError, isNotFound } from "./errors.ts";

export const FIELD_MANAGER = "room-recorder-operator";

export class Applier {
  readonly #objects: KubernetesObjectApi;
  readonly #core: CoreV1Api;
  readonly #custom: CustomObjectsApi;
  readonly #reporter: string;

  constructor(kc: KubeConfig, reporter: string) {
    this.#objects = KubernetesObjectApi.makeApiClient(kc);
    this.#core = kc.makeApiClient(CoreV1Api);
    this.#custom = kc.makeApiClient(CustomObjectsApi);
    this.#reporter = reporter;
  }

  async apply(obj: KubernetesObject): Promise<void> {
    try {
      await this.#objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (err) {
      throw new KubernetesError(`applying ${obj.kind} ${obj.metadata?.namespace}/${obj.metadata?.name}`, err);
    }
  }

  /** Graceful: the pod's grace period lets a worker finalize its file. A missing pod is fine. */
  async deletePod(namespace: string, name: string): Promise<void> {
    try {
      await this.#core.deleteNamespacedPod({ namespace, name });
    } catch (err) {
      if (!isNotFound(err)) throw new KubernetesError(`deleting pod ${namespace}/${name}`, err);
    }
  }

  async writeStatus(rec: RoomRecording, status: RoomRecordingStatus): Promise<void> {
    const { namespace, name } = rec.metadata;
    try {
      // A merge patch replaces lists whole, which is what a freshly computed status wants.
      await this.#custom.patchNamespacedCustomObjectStatus(
        { group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: { status } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
    } catch (err) {
      if (!isNotFound(err)) throw new KubernetesError(`writing status of ${namespace}/${name}`, err);
    }
  }

  /**
   * Add or remove our finalizer with a merge patch that carries the resourceVersion we read, so
   * a concurrent writer makes this fail with 409 instead of losing someone else's finalizer.
   */
  async setFinalizer(rec: RoomRecording, present: boolean): Promise<void> {
    const { namespace, name, resourceVersion } = rec.metadata;
    const current = rec.metadata.finalizers ?? [];
    const finalizers = present ? [...new Set([...current, FINALIZER])] : current.filter((f) => f !== FINALIZER);
    try {
      await this.#custom.patchNamespacedCustomObject(
        { group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: { metadata: { resourceVersion, finalizers } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
    } catch (err) {
      if (!isNotFound(err)) throw new KubernetesError(`${present ? "adding" : "removing"} the finalizer of ${namespace}/${name}`, err);
    }
  }

  /** core/v1 Event on the RoomRecording (what `kubectl describe` shows). Best effort. */
  async recordEvent(rec: RoomRecording, ev: PlannedEvent): Promise<void> {
    const now = new Date();
    const { namespace, name, uid } = rec.metadata;
    await this.#core
      .createNamespacedEvent({
        namespace,
        body: {
          metadata: { generateName: `${name}.`, namespace },
          involvedObject: { apiVersion: API_VERSION, kind: KIND, name, namespace, uid },
          type: ev.type,
          reason: ev.reason,
          message: ev.message.slice(0, 1024),
          source: { component: this.#reporter },
          reportingComponent: this.#reporter,
          reportingInstance: this.#reporter,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      })
      .catch((err: unknown) => {
        throw new KubernetesError(`recording event ${ev.reason} on ${namespace}/${name}`, err);
      });
  }
}
