// A VDO.Ninja-style browser publisher (spec §2.4-§2.8, §3, §4), plain JS for Chromium.
// Query parameters:
//   relay     ws:// URL of the handshake server            (required)
//   room      room name                                    (required)
//   stream    stream id                                    (required)
//   password  room password; "false" disables hashing and encryption (default someEncryptionKey123)
//   salt      (default vdo.ninja)
//   dialect   official | fanout                            (default official)
//   codec     vp8 | vp9 | h264 | av1: the only video codec offered (setCodecPreferences)
//   label     shown to viewers in {info:{label}}
//   ice       JSON array of RTCIceServer                   (default [])
//   width, height, fps                                     (default 640x360 @ 15)
// Tests read window.publisher.status() and call window.publisher.hangup().

import { deriveKey, generateHash, passwordOf, randomString, sanitize, seal, unseal } from "./vdoCrypto.js";

const q = new URLSearchParams(location.search);
const cfg = {
  relay: q.get("relay"),
  room: sanitize(q.get("room") ?? "", 30),
  stream: sanitize(q.get("stream") ?? "", 64),
  password: passwordOf(q.get("password")),
  salt: q.get("salt") ?? "vdo.ninja",
  dialect: q.get("dialect") === "fanout" ? "fanout" : "official",
  codec: (q.get("codec") ?? "").toLowerCase(),
  label: q.get("label") ?? q.get("stream") ?? "",
  iceServers: JSON.parse(q.get("ice") ?? "[]"),
  width: Number(q.get("width") ?? 640),
  height: Number(q.get("height") ?? 360),
  fps: Number(q.get("fps") ?? 15),
};

const state = { socket: "connecting", joined: false, seeded: false, wireRoom: "", wireStream: "", events: [], errors: [] };
/** One RTCPeerConnection per viewer UUID (VDO.Ninja's `pcs`). */
const peers = new Map();
/** Our own id in the fan-out dialect (spec §2.7): 20 chars of VDO.Ninja's alphabet. */
const selfId = randomString(20, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789");
const loadoutId = randomString(5);
let aesKey = null;
let ws = null;
let localStream = null;

function note(msg) {
  state.events.push(msg);
  if (state.events.length > 200) state.events.shift();
  document.getElementById("log").textContent += `${msg}\n`;
}
function fail(msg, err) {
  state.errors.push(`${msg}: ${err?.message ?? err}`);
  note(`ERROR ${msg}: ${err?.message ?? err}`);
}

// ---- signaling socket -------------------------------------------------------------------

/** Incoming messages are handled one at a time in arrival order (decryption is async): an
 * answer is applied before the ICE that followed it is added. */
let inbox = Promise.resolve();
function inOrder(handle, what) {
  inbox = inbox.then(handle).catch((err) => fail(what, err));
}

function sendSocket(msg) {
  if (!ws || ws.readyState !== WebSocket.OPEN) return fail("send on closed socket", JSON.stringify(msg).slice(0, 80));
  const out = { ...msg };
  if (cfg.dialect === "fanout") {
    out.from = selfId;
    if (state.joined) out.roomid = state.wireRoom;
  }
  ws.send(JSON.stringify(out));
}

async function connect() {
  if (cfg.password !== false) {
    aesKey = await deriveKey(cfg.password, cfg.salt);
    state.wireRoom = await generateHash(cfg.room + cfg.password + cfg.salt, 16);
    state.wireStream = cfg.stream.slice(0, 44) + (await generateHash(cfg.password + cfg.salt, 6));
  } else {
    state.wireRoom = cfg.room;
    state.wireStream = cfg.stream;
  }
  ws = new WebSocket(cfg.relay);
  ws.onopen = () => {
    state.socket = "open";
    if (cfg.dialect === "fanout") {
      // Fan-out: no listing; the joinroom carries our stream id and doubles as the seed (§2.7).
      sendSocket({ request: "joinroom", roomid: state.wireRoom, streamID: state.wireStream });
      state.joined = true;
      state.seeded = true;
    } else {
      sendSocket({ request: "joinroom", roomid: state.wireRoom });
    }
    note(`joined ${state.wireRoom} as ${state.wireStream}`);
  };
  ws.onclose = () => (state.socket = "closed");
  ws.onerror = () => fail("socket", "error");
  ws.onmessage = (ev) => {
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch (err) {
      return fail("bad frame", err);
    }
    if (cfg.dialect === "fanout") {
      // Receiver-side filtering of the fan-out dialect (spec §2.7).
      if (msg.from === selfId || (msg.UUID && msg.UUID !== selfId) || (msg.roomid && msg.roomid !== state.wireRoom)) return;
      msg.UUID = msg.from;
      delete msg.from;
      delete msg.roomid;
    }
    inOrder(() => onSocketMessage(msg), "socket message");
  };
}

async function onSocketMessage(msg) {
  switch (msg.request) {
    case "listing":
      // The browser seeds only after the listing (spec §2.2, lib.js "seedPlz").
      state.joined = true;
      sendSocket({ request: "seed", streamID: state.wireStream });
      state.seeded = true;
      return;
    case "offerSDP":
      return startPeer(msg.UUID);
    case "joinroom":
      // Fan-out: a newcomer is treated as an offerSDP request (spec §2.7).
      if (cfg.dialect === "fanout" && msg.UUID) return startPeer(msg.UUID);
      return;
    case "play":
      if (cfg.dialect === "fanout" && msg.streamID === state.wireStream && msg.UUID) return startPeer(msg.UUID);
      return;
    case "alert":
    case "warn":
    case "error":
      return fail(`server ${msg.request}`, msg.message);
    case undefined:
      return onPeerMessage(msg.UUID, msg, "socket");
    default:
      return;
  }
}

// ---- peer connections -------------------------------------------------------------------

function startPeer(uuid) {
  if (typeof uuid !== "string" || !uuid) return;
  const existing = peers.get(uuid);
  // "the other end is just being a keener": ignore offerSDP while connected (spec §8.2).
  if (existing && existing.pc.connectionState !== "closed" && existing.pc.connectionState !== "failed") return;
  const pc = new RTCPeerConnection({ iceServers: cfg.iceServers });
  const peer = { uuid, session: loadoutId + randomString(5), pc, dc: null, ice: [], iceTimer: null, firstFlush: true, published: false, queue: Promise.resolve() };
  peers.set(uuid, peer);
  // The first offer carries only the sendChannel data channel (spec §2.5 step 5, §4.1).
  peer.dc = pc.createDataChannel("sendChannel");
  peer.dc.onopen = () => {
    note(`dc open ${uuid}`);
    dcSend(peer, { info: { label: cfg.label, version: "interop-publisher", Browser: navigator.userAgent } });
    flushIce(peer);
  };
  peer.dc.onmessage = (ev) => {
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch {
      return;
    }
    inOrder(() => onPeerMessage(uuid, msg, "dc"), "dc message");
  };
  pc.onicecandidate = (ev) => {
    if (!ev.candidate || !ev.candidate.candidate) return;
    peer.ice.push(ev.candidate.toJSON());
    // Browser bundling (spec §2.8): first flush 10 ms after the first candidate, then 1 s windows,
    // immediately once the data channel is open.
    if (peer.iceTimer) return;
    const delay = peer.dc.readyState === "open" ? 0 : peer.firstFlush ? 10 : 1000;
    peer.firstFlush = false;
    peer.iceTimer = setTimeout(() => flushIce(peer), delay);
  };
  pc.onconnectionstatechange = () => note(`pc ${uuid} ${pc.connectionState}`);
  peer.queue = peer.queue.then(() => sendOffer(peer)).catch((err) => fail("offer", err));
}

async function flushIce(peer) {
  clearTimeout(peer.iceTimer);
  peer.iceTimer = null;
  if (peer.ice.length === 0) return;
  const candidates = peer.ice;
  peer.ice = [];
  anysend(peer, await seal(aesKey, { UUID: peer.uuid, type: "local", session: peer.session }, "candidates", candidates));
}

async function sendOffer(peer) {
  const offer = await peer.pc.createOffer();
  await peer.pc.setLocalDescription(offer);
  const desc = { type: offer.type, sdp: peer.pc.localDescription.sdp };
  // On the socket the stream id is hashed, on the data channel it is the base id (spec §2.5 note).
  const viaDc = peer.dc.readyState === "open";
  const msg = await seal(aesKey, { UUID: peer.uuid, streamID: viaDc ? cfg.stream : state.wireStream, session: peer.session }, "description", desc);
  anysend(peer, msg);
  note(`offer ${viaDc ? "dc" : "socket"} ${peer.uuid} (${desc.sdp.split("\nm=").length - 1} m-lines)`);
}

function anysend(peer, msg) {
  if (peer.dc && peer.dc.readyState === "open") dcSend(peer, msg);
  else sendSocket(msg);
}
function dcSend(peer, msg) {
  try {
    peer.dc.send(JSON.stringify(msg));
  } catch (err) {
    fail("dc send", err);
  }
}

async function onPeerMessage(uuid, msg, via) {
  const peer = peers.get(uuid);
  if (!peer) return;
  if (msg.bye || msg.hangup) return closePeer(peer, false);
  if (msg.ping !== undefined && via === "dc") return dcSend(peer, { pong: msg.ping });
  if (msg.description) {
    // Answers must echo our session (spec §2.4, processDescription2).
    if (via === "socket" && msg.session !== peer.session) return fail("answer", `session mismatch ${msg.session}`);
    const desc = await unseal(aesKey, msg, "description");
    if (desc?.type !== "answer") return;
    peer.queue = peer.queue.then(() => peer.pc.setRemoteDescription(desc)).catch((err) => fail("setRemoteDescription", err));
    await peer.queue;
    note(`answer ${via} ${uuid}`);
    return;
  }
  if (msg.candidates || msg.candidate) {
    if (!peer.pc.remoteDescription) note(`ice before answer ${via} ${uuid}`);
    if (via === "socket" && msg.type && msg.type !== "remote") return;
    const value = await unseal(aesKey, msg, msg.candidates ? "candidates" : "candidate");
    const list = Array.isArray(value) ? value : [value];
    await peer.queue;
    for (const c of list) {
      if (!c || !c.candidate) continue;
      await peer.pc.addIceCandidate(c).catch((err) => fail("addIceCandidate", err));
    }
    return;
  }
  if (via === "dc" && ("audio" in msg || "video" in msg) && !peer.published) {
    // The viewer's settings object: only now are tracks added (spec §4.2, initialPublish).
    peer.published = true;
    peer.queue = peer.queue.then(() => publishTracks(peer, msg)).catch((err) => fail("publish", err));
  }
}

async function publishTracks(peer, settings) {
  const stream = await camera();
  for (const track of stream.getTracks()) {
    if ((track.kind === "audio" && settings.audio === false) || (track.kind === "video" && settings.video === false)) continue;
    const tr = peer.pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
    if (track.kind === "video" && cfg.codec) setCodec(tr, cfg.codec);
  }
  await sendOffer(peer);
}

/** Offers exactly one video codec (plus its RTX), so the answer cannot pick another one. */
function setCodec(transceiver, codec) {
  const caps = RTCRtpSender.getCapabilities("video").codecs;
  let chosen = caps.filter((c) => c.mimeType.toLowerCase() === `video/${codec}`);
  if (codec === "h264") {
    // Constrained baseline with packetization-mode 1 first: what every recorder handles.
    const rank = (c) => (/packetization-mode=1/.test(c.sdpFmtpLine ?? "") ? 0 : 2) + (/profile-level-id=42e01f/.test(c.sdpFmtpLine ?? "") ? 0 : 1);
    chosen = chosen.sort((a, b) => rank(a) - rank(b)).slice(0, 1);
  }
  if (chosen.length === 0) throw new Error(`Chromium cannot send ${codec}`);
  const rtx = caps.filter((c) => c.mimeType.toLowerCase() === "video/rtx");
  transceiver.setCodecPreferences([...chosen, ...rtx]);
}

async function camera() {
  if (!localStream) {
    localStream = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: cfg.width, height: cfg.height, frameRate: cfg.fps },
    });
    document.getElementById("preview").srcObject = localStream;
  }
  return localStream;
}

function closePeer(peer, sayBye) {
  if (sayBye) {
    if (peer.dc && peer.dc.readyState === "open") dcSend(peer, { bye: true });
    else sendSocket({ UUID: peer.uuid, bye: true });
  }
  clearTimeout(peer.iceTimer);
  peer.pc.close();
  peers.delete(peer.uuid);
  note(`closed ${peer.uuid}${sayBye ? " (bye sent)" : ""}`);
}

// ---- test API -----------------------------------------------------------------------------

async function peerStatus(peer) {
  const out = { uuid: peer.uuid, session: peer.session, connectionState: peer.pc.connectionState, dc: peer.dc.readyState, published: peer.published };
  const stats = await peer.pc.getStats();
  let pair = null;
  stats.forEach((s) => {
    if (s.type === "transport" && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
  });
  if (pair) {
    out.selectedPair = { local: stats.get(pair.localCandidateId)?.candidateType, remote: stats.get(pair.remoteCandidateId)?.candidateType, state: pair.state };
  }
  out.outbound = [];
  stats.forEach((s) => {
    if (s.type === "outbound-rtp") {
      out.outbound.push({ kind: s.kind, bytesSent: s.bytesSent, packetsSent: s.packetsSent, framesEncoded: s.framesEncoded, codec: stats.get(s.codecId)?.mimeType, width: s.frameWidth, height: s.frameHeight });
    }
  });
  return out;
}

window.publisher = {
  cfg,
  async status() {
    return { ...state, peers: await Promise.all([...peers.values()].map(peerStatus)) };
  },
  /** Hang up like VDO.Ninja's hang-up button: bye to every viewer, close, leave the socket. */
  hangup() {
    for (const peer of [...peers.values()]) closePeer(peer, true);
    localStream?.getTracks().forEach((t) => t.stop());
    ws?.close();
  },
  /**
   * Scales the sent video of every connection (RTCRtpSender.setParameters, encodings[0]
   * scaleResolutionDownBy); `maintain-resolution` keeps libwebrtc's own CPU/bandwidth adaptation
   * from moving the size too, so the test alone decides it (issue 13).
   */
  async setVideoScale(scale) {
    for (const peer of peers.values()) {
      const sender = peer.pc.getSenders().find((s) => s.track?.kind === "video");
      if (!sender) continue;
      const params = sender.getParameters();
      if (!params.encodings?.length) continue;
      params.encodings[0].scaleResolutionDownBy = scale;
      params.degradationPreference = "maintain-resolution";
      await sender.setParameters(params);
      note(`video scale ${scale} ${peer.uuid}`);
    }
  },
  videoCodecs() {
    return [...new Set(RTCRtpSender.getCapabilities("video").codecs.map((c) => c.mimeType.toLowerCase().replace("video/", "")))];
  },
};

if (cfg.relay && cfg.room && cfg.stream) connect().catch((err) => fail("connect", err));
else note("idle: no relay/room/stream given");
