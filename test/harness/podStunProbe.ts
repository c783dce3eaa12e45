/**
 * infra/nat/stun-probe.ts run as a pod on the real node: proves the path a worker pod's media
 * takes to the NAT test network (pod → the CNI bridge's MASQUERADE → the host's routes through
 * `rrnat0` → the node router's SNAT → the "internet"), and which public mapping STUN servers see.
 * The pod runs our worker image (it has Node) with the probe mounted from a ConfigMap, under the
 * `restricted` Pod Security Standard like every pod in a recording namespace.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, apply, kubectl, kubectlJson } from "./realNode.ts";
import { waitFor } from "./wait.ts";

const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const IMAGE = `ghcr.io/room-recorder/room-recorder:${VERSION}`;
const NAME = "stun-probe";

export interface StunProbeResult {
  readonly local: number;
  readonly servers: readonly string[];
  readonly mapped: readonly string[];
  readonly mapping: "endpoint-independent" | "endpoint-dependent";
  readonly podIp: string;
}

/** Runs the probe against `servers` (`host:port`, at least two) from one pod; removes it after. */
export async function stunProbeFromPod(namespace: string, servers: readonly string[]): Promise<StunProbeResult> {
  await apply([
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: NAME, namespace }, data: { "stun-probe.ts": readFileSync(join(ROOT, "infra/nat/stun-probe.ts"), "utf8") } },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: NAME, namespace },
      spec: {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
        containers: [{
          name: "probe",
          image: IMAGE,
          imagePullPolicy: "Never",
          command: ["node", "/probe/stun-probe.ts", ...servers],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
          volumeMounts: [{ name: "probe", mountPath: "/probe", readOnly: true }],
        }],
        volumes: [{ name: "probe", configMap: { name: NAME } }],
      },
    },
  ]);
  try {
    const pod = await waitFor(async () => {
      const p = await kubectlJson<{ status?: { phase?: string; podIP?: string } }>(["-n", namespace, "get", "pod", NAME]);
      return (p.status?.phase === "Succeeded" || p.status?.phase === "Failed") && p.status;
    }, 60_000, "the STUN probe pod to finish");
    const log = await kubectl(["-n", namespace, "logs", NAME]);
    if (pod.phase !== "Succeeded") throw new Error(`the STUN probe pod failed: ${log}`);
    return { ...(JSON.parse(log.trim().split("\n").at(-1)!) as Omit<StunProbeResult, "podIp">), podIp: pod.podIP ?? "" };
  } finally {
    await kubectl(["-n", namespace, "delete", "pod,configmap", NAME, "--wait=false"]).catch(() => undefined);
  }
}
