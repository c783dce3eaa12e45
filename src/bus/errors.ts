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
