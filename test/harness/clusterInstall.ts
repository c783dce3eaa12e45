/**
 * Installs room-recorder on the real node the way docs/deployment.md tells a user to: NATS first
 * (a pod, one user per recording), then `helm upgrade --install` of our chart with the images
 * already on the node, and a PersistentVolumeClaim for the recordings. Recording namespaces
 * enforce the `restricted` Pod Security Standard, so every pod the operator makes must pass it.
 */
import { join } from "node:path";
import { CHART_DIR, helm } from "./helm.ts";
import { installNats } from "./clusterNats.ts";
import { NODE_DIR, STORAGE_CLASS, apply, createLocalPv, kubectl, podImages } from "./realNode.ts";

/** helm's own --timeout is 5m; the process gets a little more. */
export const HELM_WAIT_MS = 6 * 60_000;
const ADMIN = ["--kubeconfig", join(NODE_DIR, "admin.kubeconfig")];

export interface Recording {
  readonly namespace: string;
  readonly name: string;
}

export interface RecorderInstall {
  readonly release: string;
  readonly systemNamespace: string;
  /** Name of the Secret (in the recording's namespace) with that recording's NATS user. */
  natsSecretOf(rec: Recording): string;
  helm(args: readonly string[]): Promise<string>;
  /** `helm uninstall --wait`, then the namespaces; never throws (cleanup). */
  remove(): Promise<void>;
}

export async function installRecorder(opts: { release: string; recordings: readonly Recording[]; set?: readonly string[] }): Promise<RecorderInstall> {
  const systemNamespace = `${opts.release}-system`;
  const natsNamespace = `${opts.release}-nats`;
  const natsSecretOf = (rec: Recording) => `${rec.name}-nats`;
  const userOf = (rec: Recording) => `rec-${rec.namespace}-${rec.name}`;
  const password = (who: string) => `${who}-password-for-tests`;
  const namespaces = [...new Set(opts.recordings.map((r) => r.namespace))];

  await apply([
    { apiVersion: "v1", kind: "Namespace", metadata: { name: systemNamespace } },
    ...namespaces.map((name) => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" } },
    })),
  ]);
  const natsUrl = await installNats(natsNamespace, [
    { user: "rr-operator", password: password("rr-operator"), allow: ["rr.>", "_INBOX.>"] },
    ...opts.recordings.map((r) => ({ user: userOf(r), password: password(userOf(r)), allow: [`rr.${r.namespace}.${r.name}.>`] })),
  ]);
  await apply([
    { apiVersion: "v1", kind: "Secret", metadata: { name: "rr-nats", namespace: systemNamespace }, stringData: { password: password("rr-operator") } },
    ...opts.recordings.map((r) => ({
      apiVersion: "v1", kind: "Secret", metadata: { name: natsSecretOf(r), namespace: r.namespace }, stringData: { user: userOf(r), password: password(userOf(r)) },
    })),
  ]);
  const run = (args: readonly string[]) => helm([...args, "--namespace", systemNamespace, ...ADMIN], HELM_WAIT_MS);
  await adoptKeptCrd(opts.release, systemNamespace);
  await run([
    "upgrade", "--install", opts.release, CHART_DIR, "--wait", "--timeout", "5m",
    "--set", "image.pullPolicy=Never",
    "--set", "podImage.pullPolicy=Never",
    "--set", `nats.url=${natsUrl}`,
    "--set", "nats.auth.existingSecret=rr-nats",
    "--set", "nats.auth.user=rr-operator",
    "--set", "nats.auth.passwordKey=password",
    ...(opts.set ?? []).flatMap((s) => ["--set", s]),
  ]);
  process.stdout.write(`# ${opts.release}: operator pods and their images:\n${await podImages(systemNamespace)}`);
  return {
    release: opts.release,
    systemNamespace,
    natsSecretOf,
    helm: run,
    async remove() {
      await run(["uninstall", opts.release, "--wait", "--timeout", "5m"]).catch(() => undefined);
      for (const ns of [...namespaces, natsNamespace, systemNamespace]) await kubectl(["delete", "namespace", ns, "--wait=true", "--timeout=180s"]).catch(() => undefined);
    },
  };
}

/**
 * The CRD outlives `helm uninstall` (crds.keep) and still names the release that installed it;
 * helm refuses to install a release of another name over it. docs/deployment.md ("Uninstall")
 * tells users to hand it over with these two annotations, as the tests do.
 */
async function adoptKeptCrd(release: string, namespace: string): Promise<void> {
  const crd = "crd/roomrecordings.room-recorder.dev";
  if (!(await kubectl(["get", crd, "--ignore-not-found", "-o", "name"])).trim()) return;
  await kubectl(["annotate", crd, "--overwrite", `meta.helm.sh/release-name=${release}`, `meta.helm.sh/release-namespace=${namespace}`]);
}

/**
 * A claim `claim` in `namespace` bound to a fresh local PersistentVolume; returns the node
 * directory behind it (where the test reads the recordings).
 */
export async function createRecordingsClaim(namespace: string, claim = "recordings"): Promise<{ dir: string; remove(): Promise<void> }> {
  const pv = `${namespace}-${claim}`;
  const dir = await createLocalPv(pv);
  await apply([{
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: claim, namespace },
    spec: { accessModes: ["ReadWriteOnce"], storageClassName: STORAGE_CLASS, resources: { requests: { storage: "5Gi" } } },
  }]);
  return { dir, remove: async () => void (await kubectl(["delete", "pv", pv, "--wait=false"]).catch(() => undefined)) };
}
