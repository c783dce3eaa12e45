/**
 * Node's on-disk compile cache for this process and, through the environment, for the worker
 * processes it spawns (issue 7). It keeps V8 code caches and, since Node 24, the type-stripped
 * source of our .ts files: a worker whose modules are all cached never loads Node's TypeScript
 * stripper (amaro, a WebAssembly module: +17 MiB RSS per process measured here) and skips
 * parsing and compiling werift at start-up, which also brings its `ready` forward.
 * The cache is keyed by file content, so an edited file is simply compiled again.
 */
import module from "node:module";

/**
 * Enables the cache (default directory: Node's, under the OS temp dir; NODE_COMPILE_CACHE
 * chooses another, NODE_DISABLE_COMPILE_CACHE=1 turns it off) and exports the directory so
 * children start with it. Never throws: without a writable directory Node just compiles.
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  try {
    const result = module.enableCompileCache(env.NODE_COMPILE_CACHE);
    if (result.directory) env.NODE_COMPILE_CACHE = result.directory;
    return result.directory;
  } catch {
    return undefined;
  }
}
