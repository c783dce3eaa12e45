/**
 * NATS connection settings from flags and environment, shared by every command that can run
 * over NATS (`signaler`, `worker`, `record --nats`), so they all accept the same spelling
 * (docs/nats.md, "Configuration"). Secrets (password, token) come only from the environment or
 * from files, never from argv, which any local user can read in `ps`.
 */
import { readFileSync } from "node:fs";
import type { ParseArgsConfig } from "node:util";
import type { NatsSettings } from "../bus/natsSettings.ts";
import { subjects, type SubjectScope } from "../bus/subjects.ts";
import { UsageError } from "./errors.ts";

/** Spread into `util.parseArgs({ options })`. */
export const NATS_ARG_OPTIONS = {
  nats: { type: "string", multiple: true },
  "nats-user": { type: "string" },
  "nats-password-file": { type: "string" },
  "nats-token-file": { type: "string" },
  "nats-nkey": { type: "string" },
  "nats-creds": { type: "string" },
  "nats-ca": { type: "string" },
  "nats-cert": { type: "string" },
  "nats-key": { type: "string" },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

export const NATS_USAGE = `NATS (each flag also reads the environment variable in brackets):
  --nats URL               server URL; repeat or comma-separate for a cluster  [NATS_URL]
  --nats-user NAME         user name                                           [NATS_USER]
  --nats-password-file F   file holding the password                           [NATS_PASSWORD, NATS_PASSWORD_FILE]
  --nats-token-file F      file holding an auth token                          [NATS_TOKEN, NATS_TOKEN_FILE]
  --nats-nkey F            NKey seed file                                      [NATS_NKEY]
  --nats-creds F           credentials file (JWT + NKey)                       [NATS_CREDS]
  --nats-ca F              CA certificate for TLS                              [NATS_CA]
  --nats-cert F            client certificate for TLS (with --nats-key)        [NATS_CERT]
  --nats-key F             client key for TLS                                  [NATS_KEY]`;

type Values = Partial<Record<keyof typeof NATS_ARG_OPTIONS, string | string[] | boolean | undefined>>;
type Env = Readonly<Record<string, string | undefined>>;

/**
 * The NATS settings, or `undefined` when neither `--nats` nor `NATS_URL` is given (the caller
 * then uses its local transport or fails). Throws UsageError on contradictions. With `scope`,
 * request inboxes live under the recording's subjects (`subjects.inbox`), so a NATS user
 * allowed only `rr.<ns>.<rec>.>` can make requests (docs/nats.md, "Authorization").
 */
export function parseNatsSettings(values: Values, env: Env, scope?: SubjectScope): NatsSettings | undefined {
  const str = (flag: keyof Values, envName?: string): string | undefined => {
    const v = values[flag];
    if (typeof v === "string" && v !== "") return v;
    const e = envName === undefined ? undefined : env[envName];
    return e === undefined || e === "" ? undefined : e;
  };
  const urlValues = values.nats;
  const rawUrls = Array.isArray(urlValues) ? urlValues : typeof urlValues === "string" ? [urlValues] : env.NATS_URL ? [env.NATS_URL] : [];
  const servers = rawUrls.flatMap((u) => u.split(",")).map((u) => u.trim()).filter((u) => u !== "");
  if (servers.length === 0) return undefined;
  for (const s of servers) {
    if (!/^(nats|tls|wss?):\/\/[^\s]+$|^[^\s:/]+(:\d+)?$/.test(s)) throw new UsageError(`--nats: '${s}' is not a NATS URL (nats://host:port)`);
  }

  const password = secret(str("nats-password-file", "NATS_PASSWORD_FILE"), env.NATS_PASSWORD, "password");
  const token = secret(str("nats-token-file", "NATS_TOKEN_FILE"), env.NATS_TOKEN, "token");
  const user = str("nats-user", "NATS_USER");
  const nkeyFile = str("nats-nkey", "NATS_NKEY");
  const credsFile = str("nats-creds", "NATS_CREDS");
  const methods = [user !== undefined || password !== undefined ? "user/password" : "", token ? "token" : "", nkeyFile ? "nkey" : "", credsFile ? "creds" : ""].filter(Boolean);
  if (methods.length > 1) throw new UsageError(`NATS authentication: ${methods.map((m) => `'${m}'`).join(",")} are mutually exclusive`);
  if ((user === undefined) !== (password === undefined)) throw new UsageError("NATS authentication: user and password go together");

  const caFile = str("nats-ca", "NATS_CA");
  const certFile = str("nats-cert", "NATS_CERT");
  const keyFile = str("nats-key", "NATS_KEY");
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError("NATS TLS: 'nats-cert','nats-key' go together");
  const tls = caFile || certFile ? { ...(caFile ? { caFile } : {}), ...(certFile ? { certFile, keyFile } : {}) } : undefined;

  return Object.freeze({
    servers,
    ...(user !== undefined ? { user, password } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(nkeyFile !== undefined ? { nkeyFile } : {}),
    ...(credsFile !== undefined ? { credsFile } : {}),
    ...(tls ? { tls } : {}),
    ...(scope ? { inboxPrefix: subjects.inbox(scope), name: `${scope.scope}/${scope.recording}` } : {}),
  });
}

function secret(file: string | undefined, inline: string | undefined, what: string): string | undefined {
  if (file !== undefined && inline !== undefined && inline !== "") throw new UsageError(`NATS ${what}: the file and the environment variable are mutually exclusive`);
  if (file === undefined) return inline === "" ? undefined : inline;
  try {
    return readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new UsageError(`NATS ${what}: cannot read ${file}: ${(err as Error).message}`);
  }
}
