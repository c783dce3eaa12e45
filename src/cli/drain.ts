/**
 * `room-recorder drain`: delete every RoomRecording in scope and wait until the operator has
 * finalized them (files closed, pods gone, finalizer released). The chart runs it as a
 * `pre-delete` hook, while the operator still runs, so `helm uninstall` never leaves a
 * RoomRecording stuck on a finalizer that nobody will remove (docs/deployment.md, "Uninstall").
 */
import { parseArgs } from "node:util";
import { CustomObjectsApi } from "@kubernetes/client-node";
import type { Command } from "./command.ts";
import { UsageError } from "../config/errors.ts";
import { createRootLogger } from "../observability/logger.ts";
import { SharedConnectionsKubeConfig } from "../operator/kubeConfig.ts";
import { GROUP, PLURAL, VERSION, type RoomRecording } from "../operator/types.ts";

const USAGE = `Usage: room-recorder drain [--namespace NS] [--timeout S] [--kubeconfig FILE]

Deletes every RoomRecording (in NS, or in all namespaces) and waits until they are gone: the
operator stops their pods, which finalize their files, then releases the finalizer.
Exit 0 when none is left, 1 when some remain after the timeout (they are listed).

Flags (environment in brackets):
  --namespace NS     only this namespace (default: all)             [RR_WATCH_NAMESPACE]
  --timeout S        seconds to wait (default 240)
  --kubeconfig FILE  default: in-cluster, then $KUBECONFIG, ~/.kube/config
`;

const POLL_MS = 2_000;

async function run(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { namespace: { type: "string" }, timeout: { type: "string" }, kubeconfig: { type: "string" } }, strict: true });
  const timeoutS = Number(values.timeout ?? 240);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new UsageError("--timeout must be a positive number of seconds");
  const namespace = values.namespace ?? process.env.RR_WATCH_NAMESPACE;
  const log = createRootLogger().child({ component: "drain" });
  const kubeConfig = new SharedConnectionsKubeConfig(log);
  if (values.kubeconfig) kubeConfig.loadFromFile(values.kubeconfig);
  else kubeConfig.loadFromDefault();
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const list = async () =>
    ((namespace
      ? await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace })
      : await api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })) as { items: RoomRecording[] }).items;

  const deadline = Date.now() + timeoutS * 1000;
  for (const rec of await list()) {
    if (rec.metadata.deletionTimestamp) continue;
    await api.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, namespace: rec.metadata.namespace, name: rec.metadata.name });
    log.info({ recording: `${rec.metadata.namespace}/${rec.metadata.name}` }, "deleted; waiting for the operator to finalize its files");
  }
  for (;;) {
    const left = await list();
    if (left.length === 0) {
      log.info("no RoomRecording left");
      return 0;
    }
    if (Date.now() >= deadline) {
      const names = left.map((r) => `${r.metadata.namespace}/${r.metadata.name}`).join(", ");
      log.error({ left: names }, "RoomRecordings still present after the timeout: is the operator running? See docs/deployment.md, \"Uninstall\"");
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export const command: Command = { name: "drain", summary: "delete every RoomRecording and wait until its files are finalized (uninstall hook)", usage: USAGE, run };
