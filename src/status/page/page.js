// The live status page of `record --status-port` (src/status/statusServer.ts, issue 14). Every
// report from /events updates one card per stream in place, so a playing <video> keeps playing.
// Stream ids, labels and file names come from strangers: they reach the page only as text
// (textContent) and attribute values, never as markup.
"use strict";

/** One sample per event (about one a second): the graph spans the last two minutes. */
const GRAPH_SAMPLES = 120;
const GRAPH_WIDTH = 240;
const GRAPH_HEIGHT = 48;
const SVG_NS = "http://www.w3.org/2000/svg";
const FACTS = ["codecs", "resolution", "bitrate", "packets lost", "since", "current file", "recorded"];

const streams = document.getElementById("streams");
/** Stream key → its card. */
const cards = new Map();

function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function formatBytes(n) {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  for (; n >= 1000 && i < units.length - 1; i++) n /= 1000;
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function formatDuration(sec) {
  const s = Math.floor(sec);
  const pad = (v) => String(v).padStart(2, "0");
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** The bitrate history as a polyline, newest sample at the right edge, scaled to its peak. */
function createGraph() {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", "graph");
  svg.setAttribute("viewBox", `0 0 ${GRAPH_WIDTH} ${GRAPH_HEIGHT}`);
  svg.setAttribute("preserveAspectRatio", "none");
  const line = document.createElementNS(SVG_NS, "polyline");
  line.setAttribute("vector-effect", "non-scaling-stroke");
  svg.append(line);
  const samples = [];
  return {
    svg,
    add(kbps) {
      samples.push(kbps);
      if (samples.length > GRAPH_SAMPLES) samples.shift();
      const peak = Math.max(1, ...samples);
      const step = GRAPH_WIDTH / (GRAPH_SAMPLES - 1);
      const x0 = GRAPH_WIDTH - (samples.length - 1) * step;
      const points = samples.map((v, i) => `${(x0 + i * step).toFixed(1)},${(GRAPH_HEIGHT - (v / peak) * (GRAPH_HEIGHT - 2)).toFixed(1)}`);
      line.setAttribute("points", points.join(" "));
      return peak;
    },
  };
}

function createCard(key) {
  const root = element("article", "card");
  root.dataset.key = key;
  const id = element("span", "stream-id");
  const label = element("span", "label");
  const state = element("span", "state");
  const title = element("h2");
  title.append(id, label, state);
  const facts = element("dl");
  const fact = new Map();
  for (const name of FACTS) {
    const value = element("dd");
    value.dataset.fact = name;
    facts.append(element("dt", "", name), value);
    fact.set(name, value);
  }
  const graph = createGraph();
  const files = element("ul", "files");
  const player = element("video");
  player.controls = true;
  player.preload = "metadata";
  player.hidden = true;
  root.append(title, facts, graph.svg, files, player);
  let listed = "";

  function play(href) {
    player.hidden = false;
    player.src = href;
    // Refused autoplay leaves the controls to the user: nothing to report.
    player.play().catch(() => undefined);
  }

  function listFiles(finished) {
    const signature = JSON.stringify(finished.map((f) => [f.name, f.bytes]));
    if (signature === listed) return;
    listed = signature;
    files.replaceChildren(
      ...finished.map((f) => {
        const link = element("a", "", f.name);
        link.href = `files/${encodeURIComponent(key)}/${encodeURIComponent(f.name)}`;
        // Plays in the card; the link itself still opens or saves the file (middle click, menu).
        link.addEventListener("click", (e) => {
          e.preventDefault();
          play(link.href);
        });
        const item = element("li");
        item.append(link, element("span", "size", `${formatBytes(f.bytes)} · ${formatDuration(f.durationSec)}`));
        return item;
      }),
    );
  }

  return {
    root,
    update(s) {
      id.textContent = s.streamId;
      label.textContent = s.label ?? "";
      state.textContent = s.state;
      state.dataset.state = s.state;
      const peak = graph.add(s.bitrateKbps);
      fact.get("codecs").textContent = [s.codecs.video, s.codecs.audio].filter(Boolean).join(" + ") || "—";
      fact.get("resolution").textContent = s.resolution ? `${s.resolution.width}×${s.resolution.height}` : "—";
      fact.get("bitrate").textContent = `${Math.round(s.bitrateKbps)} kbit/s (peak ${Math.round(peak)})`;
      fact.get("packets lost").textContent = String(s.packetsLost);
      fact.get("since").textContent = s.since ? new Date(s.since).toLocaleTimeString() : "—";
      const current = s.currentFile;
      fact.get("current file").textContent = current ? `${current.name} · ${formatBytes(current.bytes)} · ${formatDuration(current.durationSec)}` : "—";
      fact.get("recorded").textContent = `${formatBytes(s.bytes)} · ${formatDuration(s.durationSec)} · ${s.filesFinished.length} file(s) finished`;
      listFiles(s.filesFinished);
    },
  };
}

/** A new card goes where the key order puts it; existing ones never move (moving pauses a video). */
function insertCard(card, key) {
  const after = [...streams.children].find((other) => other.dataset.key.localeCompare(key) > 0);
  streams.insertBefore(card.root, after ?? null);
}

function render(report) {
  document.title = `${report.room} · room-recorder`;
  document.getElementById("room").textContent = report.room;
  const t = report.totals;
  document.getElementById("summary").textContent =
    `signaling ${report.signaling} · ${t.recording} of ${t.streams} stream(s) recording · ${formatBytes(t.bytes)} · ${t.filesFinished} file(s) finished`;
  const present = new Set();
  for (const s of report.streams) {
    present.add(s.key);
    let card = cards.get(s.key);
    if (!card) {
      card = createCard(s.key);
      cards.set(s.key, card);
      insertCard(card, s.key);
    }
    card.update(s);
  }
  for (const [key, card] of cards) {
    if (present.has(key)) continue;
    card.root.remove();
    cards.delete(key);
  }
}

const connection = document.getElementById("connection");
const events = new EventSource("events");
events.addEventListener("message", (e) => render(JSON.parse(e.data)));
events.addEventListener("open", () => (connection.hidden = true));
events.addEventListener("error", () => (connection.hidden = false));
