/**
 * Node/V8 flags a stream worker process should start with (issue 7: memory per stream decides
 * how many streams a node holds). The local supervisor passes them as execArgv; a pod gets them
 * from Dockerfile.worker's NODE_OPTIONS (both flags are allowed there; test/image-contents
 * checks the two lists agree). Measured in docs/performance.md.
 *
 * - `--max-semi-space-size=1` (MiB): V8 sizes the young generation for throughput (up to
 *   16 MiB semi-spaces, 3 of them); a worker's garbage is per-packet buffers that die at once,
 *   so 1 MiB semi-spaces scavenge more often but each scavenge is tiny. -40 MiB RSS in a probe
 *   with two peer connections, no measurable CPU change.
 * - `--max-old-space-size=128` (MiB): a bound, not a saving: a worker's live heap is 15-30 MiB,
 *   so a leak ends the worker (the supervisor restarts it, a new file begins) long before the
 *   node runs out of memory.
 */
export const WORKER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=1", "--max-old-space-size=128"];
