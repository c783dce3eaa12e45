export class BusTimeoutError extends Error {
  override name = "BusTimeoutError";
  constructor(subject: string, timeoutMs: number) {
    super(`no reply on ${subject} within ${timeoutMs} ms`);
  }
}

export class BusClosedError extends Error {
  override name = "BusClosedError";
  constructor(what = "bus") {
    super(`${what} is closed`);
  }
}

/** A payload over the transport's cap (NATS' default max_payload is 1 MiB; IPC uses the same). */
export class BusPayloadTooLargeError extends Error {
  override name = "BusPayloadTooLargeError";
  constructor(subject: string, bytes: number, max: number) {
    super(`payload of ${bytes} bytes on ${subject} exceeds ${max}`);
  }
}
