/**
 * Running test processes inside the network namespaces of infra/nat/ (a home LAN behind a NAT,
 * the "internet", a public server, the recorder's node behind its own SNAT). Everything there
 * needs root and the iproute2/iptables tools; tests skip with the reason otherwise.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const NAT_DIR = fileURLToPath(new URL("../../infra/nat/", import.meta.url));

/** `command args`, run inside `netns` when given (`ip netns exec` execs it: the pid is the command's). */
export function inNetns(netns: string | undefined, command: string, args: readonly string[]): [string, string[]] {
  return netns ? ["ip", ["netns", "exec", netns, command, ...args]] : [command, [...args]];
}

/** Why the NAT network cannot be built here, or undefined when it can. */
export function natSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root: network namespaces, veths and iptables rules (infra/nat/)";
  for (const tool of ["ip", "iptables", "turnserver"]) {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    } catch {
      return `needs ${tool} (iproute2, iptables, coturn: scripts/provision.sh)`;
    }
  }
  return undefined;
}

/** Runs one of the infra/nat/ scripts and returns its stdout; throws with its output on failure. */
export function natScript(name: string, ...args: string[]): string {
  return execFileSync("bash", [`${NAT_DIR}${name}`, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
