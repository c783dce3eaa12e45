import type { Command } from "./command.ts";
import { EXIT_CONFIG, UsageError } from "../config/errors.ts";
import { enableCompileCache } from "./compileCache.ts";

/**
 * Subcommands are imported lazily, so a stream worker never loads the relay, the operator's
 * Kubernetes client or the signaler (memory per worker matters: issue #7).
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  record: { summary: "record every stream of a room into files (local supervisor)", load: async () => (await import("./record.ts")).command },
  relay: { summary: "run a VDO.Ninja-compatible handshake server", load: async () => (await import("./relay.ts")).command },
  status: { summary: "print the status of a running 'record --status-port'", load: async () => (await import("./status.ts")).command },
  publish: { summary: "publish a test pattern with a tone into a room (test publisher)", load: async () => (await import("./publish.ts")).command },
  signaler: { summary: "run the signaler role alone (cluster: over NATS)", load: async () => (await import("./signaler.ts")).command },
  worker: { summary: "run one stream worker (cluster: over NATS; locally: spawned by record)", load: async () => (await import("./worker.ts")).command },
  operator: { summary: "run the RoomRecording Kubernetes operator", load: async () => (await import("./operator.ts")).command },
  drain: { summary: "delete every RoomRecording and wait until its files are finalized (uninstall hook)", load: async () => (await import("./drain.ts")).command },
};

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `room-recorder: record VDO.Ninja rooms\n\nUsage: room-recorder <command> [flags]\n\nCommands:\n${lines.join("\n")}\n\nRun 'room-recorder <command> --help' for a command's flags.\n`;
}

export async function main(argv: readonly string[]): Promise<number> {
  if (argv[0]?.startsWith("--") === true && !["--help", "-h"].includes(argv[0])) return raspberryNinjaStyle(argv);
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(topHelp());
    return name === undefined ? 2 : 0;
  }
  return runCommand(name, rest);
}

/**
 * `room-recorder --room R --record-room …`: Raspberry.Ninja's command line, without a command
 * name, is `record` (which translates it, config/raspberryNinjaArgs.ts). Its publishing mode is not.
 */
async function raspberryNinjaStyle(argv: readonly string[]): Promise<number> {
  const { isRaspberryNinjaInvocation } = await import("../config/raspberryNinjaArgs.ts");
  if (isRaspberryNinjaInvocation(argv)) return runCommand("record", argv);
  process.stderr.write(`room-recorder: '${argv[0]}' is not a command. Raspberry.Ninja's command line is accepted for recording only (--room R --record-room); see 'room-recorder record --help'\n\n${topHelp()}`);
  return 2;
}

async function runCommand(name: string, rest: readonly string[]): Promise<number> {
  const entry = COMMANDS[name];
  // Before the command's modules load; its worker children inherit it (issue 7).
  enableCompileCache();
  if (!entry) {
    process.stderr.write(`room-recorder: unknown command '${name}'\n\n${topHelp()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(command.usage.endsWith("\n") ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      process.stderr.write(`room-recorder ${name}: ${(err as Error).message}\n`);
      return EXIT_CONFIG;
    }
    throw err;
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`room-recorder: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
