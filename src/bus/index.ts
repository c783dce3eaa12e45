/** The bus module's public entry (style.md §3): the interface, its transports, subjects, messages. */
export type { Bus, BusHandler, BusMessage, BusPayload, RequestOptions, Subscription } from "./Bus.ts";
export { BusClosedError, BusPayloadTooLargeError, BusTimeoutError } from "./errors.ts";
export { MemoryBus } from "./MemoryBus.ts";
export { IpcBus } from "./IpcBus.ts";
export { attachChild, type ChildAttachment } from "./attachChild.ts";
export { connectBus, type ConnectOptions } from "./connect.ts";
export { subjects, streamKey, subjectToken, subjectMatches, type SubjectScope } from "./subjects.ts";
export * from "./messages.ts";
