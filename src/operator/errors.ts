/** Kubernetes-side errors, wrapped once with CNPG's "while …" context (style.md §17). */
export class KubernetesError extends Error {
  override name = "KubernetesError";
  readonly code: number | undefined;
  constructor(action: string, cause: unknown) {
    const code = (cause as { code?: unknown })?.code;
    const status = typeof code === "number" ? code : undefined;
    super(`while ${action}: ${status !== undefined ? `HTTP ${status}: ` : ""}${apiMessage(cause)}`, { cause });
    this.code = status;
  }
}

/** The API server's own message (the `Status` body) when there is one. */
function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown })?.body;
  if (typeof body === "string") {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      return body.slice(0, 500);
    }
  }
  if (body && typeof body === "object" && typeof (body as { message?: unknown }).message === "string") return (body as { message: string }).message;
  return (err as Error)?.message ?? String(err);
}

export const isNotFound = (err: unknown) => (err as { code?: unknown })?.code === 404;
export const isConflict = (err: unknown) => (err as { code?: unknown })?.code === 409;
