/** The handshake relay: `startRelay` and the pure routers behind it. */
export { startRelay, type Relay, type RelayOptions } from "./Relay.ts";
export { OfficialRelayState, ALERT_STREAM_ID_CHANGE, ALERT_STREAM_ID_IN_USE } from "./OfficialRelayState.ts";
export { FanoutRelayState, ERROR_MISSING_FROM, ERROR_SID_CHANGE, ERROR_SID_IN_USE, ERROR_UUID_IN_USE } from "./FanoutRelayState.ts";
export type { Outgoing, RelayState } from "./types.ts";
