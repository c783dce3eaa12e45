/**
 * A worker pod's ICE flags and credential env (issue 12): the chart's ICE defaults (the pod
 * defaults document's `ice`, docs/deployment.md "Networking"), overridden by the RoomRecording's
 * spec.ice. The worker completes them as `record` does (stream-worker/workerArgs.ts
 * resolveWorkerIce): with VDO.Ninja's handshake server and nothing said against it, VDO.Ninja's
 * STUN and TURN list, so a pod behind its node's SNAT is reachable from publishers on the
 * internet without any configuration. Credentials never go into args: ICE_<i>_USERNAME and
 * ICE_<i>_CREDENTIAL come from Secrets, the i-th `--ice-server`'s.
 */
import type { V1EnvVar } from "@kubernetes/client-node";
import type { RoomRecording } from "../types.ts";

export interface IceDefaults {
  /** VDO.Ninja's STUN and TURN list for recordings on its handshake server, as `record`. */
  readonly useVdoNinjaDefaults: boolean;
  /** STUN URLs (`stun:host:port`) replacing VDO.Ninja's. */
  readonly stun: readonly string[];
  /** One TURN server (its URLs, e.g. UDP and TCP), credentials in a Secret of each recording's namespace (keys `username`, `credential`). */
  readonly turn?: { readonly urls: readonly string[]; readonly credentialsSecret: string };
  readonly relayOnly: boolean;
}

export const DEFAULT_ICE: IceDefaults = { useVdoNinjaDefaults: true, stun: [], relayOnly: false };

/** The `ice` object of the pod defaults document; empty values mean "not set", as the chart renders them. */
export function parseIceDefaults(v: unknown, fail: (field: string, what: string) => never): IceDefaults {
  if (v === undefined || v === null) return DEFAULT_ICE;
  if (typeof v !== "object" || Array.isArray(v)) return fail("ice", "must be an object");
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!["useVdoNinjaDefaults", "stun", "turn", "relayOnly"].includes(key)) fail(`ice.${key}`, "is not a known field");
  const bool = (key: string, dflt: boolean) => (o[key] === undefined || o[key] === null ? dflt : typeof o[key] === "boolean" ? o[key] : fail(`ice.${key}`, "must be true or false"));
  const urls = (field: string, value: unknown, scheme: RegExp): string[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || !value.every((u) => typeof u === "string" && scheme.test(u))) return fail(field, `must be a list of ${scheme.source} URLs without credentials`);
    return value as string[];
  };
  const stun = urls("ice.stun", o.stun, /^stun:[^@]+$/);
  const t = o.turn as Record<string, unknown> | null | undefined;
  const turnUrls = t ? urls("ice.turn.urls", t.urls, /^turns?:[^@]+$/) : [];
  const secret = t?.credentialsSecret;
  if (turnUrls.length > 0 && (typeof secret !== "string" || secret === "")) fail("ice.turn.credentialsSecret", "is needed with ice.turn.urls");
  const relayOnly = bool("relayOnly", false);
  const useVdoNinjaDefaults = bool("useVdoNinjaDefaults", true);
  if (relayOnly && turnUrls.length === 0 && !useVdoNinjaDefaults) fail("ice.relayOnly", "needs ice.turn or VDO.Ninja's defaults");
  return Object.freeze({ useVdoNinjaDefaults, stun, relayOnly, ...(turnUrls.length > 0 ? { turn: { urls: turnUrls, credentialsSecret: secret as string } } : {}) });
}

/**
 * spec.ice.servers, when given, replace the chart's STUN and TURN servers (each `--ice-server`
 * is one server); spec.ice.relayOnly, when given, the chart's relayOnly.
 */
export function workerIce(rec: RoomRecording, defaults: IceDefaults): { args: string[]; env: V1EnvVar[] } {
  const spec = rec.spec.ice;
  const servers = spec?.servers?.length
    ? spec.servers.map((s) => ({ urls: s.urls, secret: s.credentialsSecretRef?.name }))
    : [...(defaults.turn ? [{ urls: defaults.turn.urls, secret: defaults.turn.credentialsSecret }] : []), ...defaults.stun.map((u) => ({ urls: [u], secret: undefined }))];
  const args: string[] = [];
  const env: V1EnvVar[] = [];
  servers.forEach((server, i) => {
    args.push("--ice-server", server.urls.join(","));
    if (server.secret) {
      env.push(
        { name: `ICE_${i}_USERNAME`, valueFrom: { secretKeyRef: { name: server.secret, key: "username" } } },
        { name: `ICE_${i}_CREDENTIAL`, valueFrom: { secretKeyRef: { name: server.secret, key: "credential" } } },
      );
    }
  });
  if (spec?.relayOnly ?? defaults.relayOnly) args.push("--relay-only");
  if (!defaults.useVdoNinjaDefaults) {
    args.push("--no-auto-turn");
    if (!servers.some((s) => s.urls.some((u) => u.startsWith("stun:")))) args.push("--stun", "false");
  }
  return { args, env };
}

