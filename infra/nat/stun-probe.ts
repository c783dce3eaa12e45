/**
 * A tiny STUN probe (RFC 5389 Binding, no dependencies): from ONE UDP socket, asks each STUN
 * server given (`host:port`, at least two) for our mapped address, and prints one JSON line:
 * the mapped addresses and whether the NAT in between kept one mapping for every destination
 * ("endpoint-independent", RFC 4787 REQ-1) or made a new one per destination
 * ("endpoint-dependent", what "symmetric NAT" means). Run it inside a namespace:
 *   ip netns exec rrnat-home-sym node infra/nat/stun-probe.ts 198.51.100.10:3478 198.51.100.11:3478
 */
import { createSocket } from "node:dgram";
import { randomBytes } from "node:crypto";

const MAGIC = 0x2112a442;
const XOR_MAPPED_ADDRESS = 0x0020;
const TIMEOUT_MS = 3000;

function binding(socket: ReturnType<typeof createSocket>, host: string, port: number): Promise<string> {
  const tid = randomBytes(12);
  const req = Buffer.alloc(20);
  req.writeUInt16BE(0x0001, 0); // Binding request, no attributes
  req.writeUInt32BE(MAGIC, 4);
  tid.copy(req, 8);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (socket.off("message", onMessage), reject(new Error(`no answer from ${host}:${port}`))), TIMEOUT_MS);
    const onMessage = (msg: Buffer) => {
      if (msg.length < 20 || !msg.subarray(8, 20).equals(tid)) return;
      for (let at = 20; at + 4 <= msg.length; ) {
        const type = msg.readUInt16BE(at);
        const len = msg.readUInt16BE(at + 2);
        if (type === XOR_MAPPED_ADDRESS && msg[at + 5] === 0x01) {
          const mappedPort = msg.readUInt16BE(at + 6) ^ (MAGIC >>> 16);
          const ip = (msg.readUInt32BE(at + 8) ^ MAGIC) >>> 0;
          clearTimeout(timer);
          socket.off("message", onMessage);
          return resolve(`${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}:${mappedPort}`);
        }
        at += 4 + len + ((4 - (len % 4)) % 4);
      }
    };
    socket.on("message", onMessage);
    socket.send(req, port, host);
  });
}

const servers = process.argv.slice(2).map((s) => {
  const [host, port] = s.split(":");
  return { host: host!, port: Number(port ?? 3478) };
});
if (servers.length < 2) {
  console.error("usage: stun-probe.ts HOST:PORT HOST:PORT [...]");
  process.exit(2);
}
const socket = createSocket("udp4");
await new Promise<void>((resolve) => socket.bind(0, resolve));
try {
  const mapped: string[] = [];
  for (const s of servers) mapped.push(await binding(socket, s.host, s.port));
  const mapping = new Set(mapped).size === 1 ? "endpoint-independent" : "endpoint-dependent";
  console.log(JSON.stringify({ local: socket.address().port, servers: servers.map((s) => `${s.host}:${s.port}`), mapped, mapping }));
} finally {
  socket.close();
}
