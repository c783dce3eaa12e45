/**
 * How a recording's pods reach NATS: the URL, the CA that verifies a server with a private
 * certificate (the operator-wide natsCaSecret), and credentials either of the recording itself
 * (spec.nats.credentialsSecretRef: one NATS user per recording, allowed only rr.<ns>.<rec>.>,
 * docs/nats.md "Authorization") or the operator-wide token Secret. Secrets reach the process as
 * environment from the Secret or as a mounted file, never in args (any local user can read argv)
 * and never in the pod spec itself.
 */
import type { V1EnvVar, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import type { RoomRecording } from "../types.ts";
import type { OperatorSettings } from "../settings.ts";
import { NatsCredentialsType } from "../types.ts";

/** Where a Creds Secret is mounted; the CLIs read the file named by NATS_CREDS. */
export const NATS_CREDS_DIR = "/var/run/secrets/room-recorder/nats";
const CREDS_FILE = "nats.creds";
const CREDS_VOLUME = "nats-creds";
/** Owner and group may read: the file belongs to root with the pod's fsGroup (1000). */
const CREDS_MODE = 0o440;
/** Where the CA Secret's `ca.crt` is mounted; NATS_CA names the file (config/natsOptions.ts). */
export const NATS_CA_DIR = "/var/run/secrets/room-recorder/nats-ca";
const CA_FILE = "ca.crt";
const CA_VOLUME = "nats-ca";
/** A certificate is public: anyone in the pod may read it. */
const CA_MODE = 0o444;

export interface NatsAccess {
  readonly env: V1EnvVar[];
  readonly volumes: V1Volume[];
  readonly mounts: V1VolumeMount[];
}

export function natsAccess(rec: RoomRecording, settings: OperatorSettings): NatsAccess {
  const creds = credentials(rec, settings);
  const ca = settings.pods.natsCaSecret;
  if (!ca) return creds;
  return {
    env: [...creds.env, { name: "NATS_CA", value: `${NATS_CA_DIR}/${CA_FILE}` }],
    volumes: [...creds.volumes, { name: CA_VOLUME, secret: { secretName: ca, items: [{ key: CA_FILE, path: CA_FILE }], defaultMode: CA_MODE } }],
    mounts: [...creds.mounts, { name: CA_VOLUME, mountPath: NATS_CA_DIR, readOnly: true }],
  };
}

function credentials(rec: RoomRecording, settings: OperatorSettings): NatsAccess {
  const url: V1EnvVar = { name: "NATS_URL", value: settings.natsUrl };
  const own = rec.spec.nats?.credentialsSecretRef;
  if (!own) {
    const token = settings.natsSecret ? [fromSecret("NATS_TOKEN", settings.natsSecret, "token")] : [];
    return { env: [url, ...token], volumes: [], mounts: [] };
  }
  switch (own.type ?? NatsCredentialsType.userPassword) {
    case NatsCredentialsType.userPassword:
      return { env: [url, fromSecret("NATS_USER", own.name, "user"), fromSecret("NATS_PASSWORD", own.name, "password")], volumes: [], mounts: [] };
    case NatsCredentialsType.token:
      return { env: [url, fromSecret("NATS_TOKEN", own.name, "token")], volumes: [], mounts: [] };
    case NatsCredentialsType.creds:
      return {
        env: [url, { name: "NATS_CREDS", value: `${NATS_CREDS_DIR}/${CREDS_FILE}` }],
        volumes: [{ name: CREDS_VOLUME, secret: { secretName: own.name, items: [{ key: "creds", path: CREDS_FILE }], defaultMode: CREDS_MODE } }],
        mounts: [{ name: CREDS_VOLUME, mountPath: NATS_CREDS_DIR, readOnly: true }],
      };
  }
}

const fromSecret = (name: string, secret: string, key: string): V1EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
