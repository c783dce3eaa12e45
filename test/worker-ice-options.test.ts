/**
 * The cluster ICE options reach werift as the worker builds its peer connection
 * (src/stream-worker/peerConfig.ts): every host socket binds inside `--ice-port-range`, and
 * `--ice-host-address` (a node's public IP behind a 1:1 NAT) is offered as one more host
 * candidate on such a port. Real werift sockets on this machine.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { RTCPeerConnection } from "werift";
import { peerConfig } from "../src/stream-worker/peerConfig.ts";
import { candidateEndpoint, candidateType } from "../src/stream-worker/iceFailure.ts";

test("worker ICE options - port range and an extra host address become host candidates werift offers", async () => {
  const pc = new RTCPeerConnection(peerConfig({ iceServers: [], relayOnly: false, portRange: [47100, 47199], additionalHostAddresses: ["203.0.113.9"] }, undefined));
  try {
    const lines: string[] = [];
    pc.onIceCandidate.subscribe((c) => c?.candidate && lines.push(c.candidate));
    pc.createDataChannel("probe");
    await pc.setLocalDescription(await pc.createOffer());
    const hosts = lines.filter((l) => candidateType(l) === "host" && candidateEndpoint(l)?.protocol === "udp").map((l) => candidateEndpoint(l)!.address);
    assert.ok(hosts.some((a) => a.startsWith("203.0.113.9:")), `host candidates ${JSON.stringify(hosts)}`);
    for (const a of hosts) {
      const port = Number(a.slice(a.lastIndexOf(":") + 1));
      assert.ok(port >= 47100 && port <= 47199, `${a} outside the range`);
    }
  } finally {
    await pc.close();
  }
});
