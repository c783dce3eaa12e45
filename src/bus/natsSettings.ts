/**
 * How to reach and authenticate to NATS: what NatsBus connects with. Parsed from flags and
 * environment by config/natsOptions.ts (docs/nats.md, "Configuration").
 */
export interface NatsSettings {
  /** Server URLs, tried in random order. */
  readonly servers: readonly string[];
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
  /** Path of an NKey seed file (`SU…`). */
  readonly nkeyFile?: string;
  /** Path of a decentralized-auth creds file (JWT + seed). */
  readonly credsFile?: string;
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
  /** Reply subjects of this client's requests; must be a subject the user may subscribe to. */
  readonly inboxPrefix?: string;
  /** Shown by the server's monitoring (`connz`). */
  readonly name?: string;
}
