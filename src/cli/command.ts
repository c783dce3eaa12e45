/** One `room-recorder <name>` subcommand. `run` resolves with the process exit code. */
export interface Command {
  readonly name: string;
  /** One line for `room-recorder --help`. */
  readonly summary: string;
  /** Full help text for `room-recorder <name> --help`. */
  readonly usage: string;
  run(argv: readonly string[]): Promise<number>;
}
