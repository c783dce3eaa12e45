/**
 * NATS as a pod on the real node, the way a user runs it beside the chart: a Deployment of the
 * image infra/images/nats.sh builds (Debian's nats-server), a ClusterIP Service reached by its
 * DNS name, and authorization with one user per role (docs/deployment.md, "One NATS user per
 * recording"). The config holds passwords, so it is a Secret, not a ConfigMap.
 */
import type { NatsUser } from "./nats.ts";
import { apply, ctr, kubectl } from "./realNode.ts";

/** The nats-server image loaded into the node (its tag carries the Debian version). */
export async function natsImage(): Promise<string> {
  const ref = (await ctr(["images", "ls", "-q"])).split("\n").find((l) => l.includes("room-recorder/nats-server:"));
  if (!ref) throw new Error("no nats-server image on the node: run infra/images/all.sh and infra/node/load-images.sh");
  return ref.trim();
}

/** Installs NATS in `namespace` and waits until it is available; returns its in-cluster URL. */
export async function installNats(namespace: string, users: readonly NatsUser[]): Promise<string> {
  const config = {
    port: 4222,
    http_port: 8222,
    authorization: {
      users: users.map((u) => ({ user: u.user, password: u.password, permissions: { publish: { allow: u.allow }, subscribe: { allow: u.allow } } })),
    },
  };
  const labels = { "app.kubernetes.io/name": "nats" };
  await apply([
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
    { apiVersion: "v1", kind: "Secret", metadata: { name: "nats-config", namespace }, stringData: { "nats.conf": JSON.stringify(config) } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "nats", namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
            containers: [{
              name: "nats",
              image: await natsImage(),
              imagePullPolicy: "Never",
              args: ["--config", "/etc/nats/nats.conf"],
              ports: [{ name: "client", containerPort: 4222 }, { name: "monitor", containerPort: 8222 }],
              readinessProbe: { httpGet: { path: "/healthz", port: 8222 }, periodSeconds: 2 },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
              volumeMounts: [{ name: "config", mountPath: "/etc/nats", readOnly: true }],
            }],
            volumes: [{ name: "config", secret: { secretName: "nats-config" } }],
          },
        },
      },
    },
    { apiVersion: "v1", kind: "Service", metadata: { name: "nats", namespace, labels }, spec: { selector: labels, ports: [{ name: "client", port: 4222, targetPort: 4222 }] } },
  ]);
  await kubectl(["-n", namespace, "rollout", "status", "deployment/nats", "--timeout=120s"]);
  return `nats://nats.${namespace}.svc:4222`;
}
