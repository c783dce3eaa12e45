import { test } from "node:test";
import assert from "node:assert/strict";
import { UsageError } from "./errors.ts";
import { parseRecordArgs } from "./parseRecordArgs.ts";
import { isRaspberryNinjaInvocation, translateRaspberryNinjaArgs } from "./raspberryNinjaArgs.ts";

const noFiles = (path: string): string => {
  throw new Error(`ENOENT: ${path}`);
};
const BASE = ["--room", "R", "--record-room"];
const translate = (extra: readonly string[], read = noFiles) => translateRaspberryNinjaArgs([...BASE, ...extra], read);

/** Every flag of the issue: what it becomes and what its migration line says. */
const TABLE: readonly { flags: readonly string[]; argv: readonly string[]; line: RegExp }[] = [
  { flags: [], argv: ["--room", "R"], line: /^--room R → --room R: the same room$/ },
  { flags: [], argv: ["--room", "R"], line: /^--record-room → records every stream of room R/ },
  { flags: ["--record-streams", "a,b"], argv: ["--include", "a,b"], line: /^--record-streams a,b → --include a,b: only these/ },
  { flags: ["--record", "pfx"], argv: [], line: /^--record pfx → no file name prefix/ },
  { flags: ["--password"], argv: [], line: /^--password → VDO.Ninja's default password$/ },
  { flags: ["--password", "true"], argv: [], line: /default password/ },
  { flags: ["--password", "1"], argv: [], line: /default password/ },
  { flags: ["--password", "on"], argv: [], line: /default password/ },
  { flags: ["--password", "false"], argv: ["--password", "false"], line: /^--password false → --password false: no password/ },
  { flags: ["--password", "0"], argv: ["--password", "false"], line: /no password/ },
  { flags: ["--password", "off"], argv: ["--password", "false"], line: /no password/ },
  { flags: ["--password", "s3cret"], argv: ["--password", "s3cret"], line: /^--password \*\*\* → --password \*\*\*: the same room password/ },
  { flags: ["--password=s3cret"], argv: ["--password", "s3cret"], line: /\*\*\*/ },
  { flags: ["--salt", "example.com"], argv: ["--salt", "example.com"], line: /^--salt example.com → --salt example.com/ },
  { flags: ["--server", "ws://127.0.0.1:9"], argv: ["--server", "ws://127.0.0.1:9"], line: /official dialect/ },
  { flags: ["--hostname", "https://video.example.com/"], argv: ["--salt", "video.example.com"], line: /--salt video.example.com: the salt VDO.Ninja pages/ },
  { flags: ["--hostname", "https://backup.vdo.ninja/"], argv: ["--salt", "vdo.ninja"], line: /--salt vdo.ninja/ },
  { flags: ["--hostname", "https://video.example.com/", "--salt", "s"], argv: ["--salt", "s"], line: /^--hostname .* → no effect: --salt is given/ },
  { flags: ["--stun-server", "stun://s.example:3478"], argv: ["--stun", "stun://s.example:3478"], line: /this STUN server/ },
  { flags: ["--stun-server", "false"], argv: ["--stun", "false"], line: /no STUN server/ },
  { flags: ["--turn-server", "turn://u:pw@t.example:3478"], argv: ["--turn", "turn://u:pw@t.example:3478"], line: /^--turn-server turn:\/\/u:\*\*\*@t.example:3478 → --turn turn:\/\/u:\*\*\*@t.example:3478/ },
  { flags: ["--ice-transport-policy", "relay"], argv: ["--relay-only"], line: /only relayed/ },
  { flags: ["--ice-transport-policy", "all"], argv: [], line: /every candidate type/ },
  { flags: ["--streamid", "me"], argv: [], line: /no effect: room-recorder publishes nothing/ },
  { flags: ["--puuid", "abc"], argv: ["--dialect", "fanout"], line: /fan-out handshake server/ },
  { flags: ["--buffer", "500"], argv: [], line: /^--buffer 500 → no effect/ },
  { flags: ["--bitrate", "4000"], argv: [], line: /^--bitrate 4000 → no effect/ },
  { flags: ["--h264"], argv: ["--prefer-codec", "h264"], line: /listed first/ },
  { flags: ["--vp8"], argv: ["--prefer-codec", "vp8"], line: /listed first/ },
  { flags: ["--vp9"], argv: ["--prefer-codec", "vp9"], line: /listed first/ },
  { flags: ["--av1"], argv: ["--prefer-codec", "av1"], line: /listed first/ },
  { flags: ["--novideo"], argv: [], line: /not supported, no effect: .* video is recorded too/ },
  { flags: ["--noaudio"], argv: [], line: /not supported, no effect: .* audio is recorded too/ },
  { flags: ["--debug"], argv: ["--log-level", "debug"], line: /debug logs/ },
];

test("raspberry.ninja args - every mapped flag: record flags and one migration line", () => {
  for (const row of TABLE) {
    const t = translate(row.flags);
    const flagLines = t.migrations.slice(row.flags.length === 0 ? 0 : 2);
    assert.equal(t.migrations.length, 2 + row.flags.filter((f) => f.startsWith("--")).length, `one line per flag: ${t.migrations.join(" | ")}`);
    assert.ok(flagLines.some((l) => row.line.test(l)), `${row.flags.join(" ")}: ${t.migrations.join(" | ")}`);
    const own = t.argv.slice(2);
    assert.deepEqual(own, row.argv.slice(row.argv[0] === "--room" ? 2 : 0), row.flags.join(" "));
    // Whatever it became, `record` accepts it.
    parseRecordArgs(t.argv, {});
  }
});

test("raspberry.ninja args - the acceptance command line becomes record's, nothing secret in the lines", () => {
  const t = translateRaspberryNinjaArgs(
    ["--room", "R", "--record-room", "--record-streams", "a,b", "--password", "P", "--server", "ws://127.0.0.1:8443", "--turn-server", "turn://rec:tp@127.0.0.1:3478", "--ice-transport-policy", "relay", "--out", "/tmp/o"],
    noFiles,
  );
  const c = parseRecordArgs(t.argv, {});
  assert.equal(c.room.room, "R");
  assert.equal(c.room.password, "P");
  assert.equal(c.room.server, "ws://127.0.0.1:8443");
  assert.deepEqual(c.filters.include, ["a", "b"]);
  assert.deepEqual(c.ice.turn, ["turn://rec:tp@127.0.0.1:3478"]);
  assert.equal(c.ice.relayOnly, true);
  assert.equal(c.output.outDir, "/tmp/o", "our own flags pass through");
  assert.equal(t.migrations.length, 7);
  assert.doesNotMatch(t.migrations.join("\n"), /\bP\b|tp@/);
});

test("raspberry.ninja args - --record STREAMID with a room records that stream only; without one it says what is missing", () => {
  const t = translateRaspberryNinjaArgs(["--room", "R", "--record", "cam1"], noFiles);
  assert.deepEqual(t.argv, ["--room", "R", "--include", "cam1"]);
  assert.match(t.migrations[1]!, /only this stream of room R/);
  assert.throws(() => translateRaspberryNinjaArgs(["--record", "cam1"], noFiles), /without --room .* not supported yet.*--record-streams cam1/);
});

test("raspberry.ninja args - --config JSON: its keys, the command line wins, each with a line", () => {
  const files: Record<string, string> = { "/c.json": JSON.stringify({ room: "FromFile", record_room: true, record_streams: "x", password: "false", noaudio: false, debug: true }) };
  const read = (p: string) => files[p] ?? noFiles(p);
  const t = translateRaspberryNinjaArgs(["--config", "/c.json", "--room", "Cli"], read);
  const c = parseRecordArgs(t.argv, {});
  assert.equal(c.room.room, "Cli");
  assert.equal(c.room.password, false);
  assert.deepEqual(c.filters.include, ["x"]);
  assert.equal(c.logLevel, "debug");
  assert.ok(t.migrations.some((l) => /^--record-room \(from \/c.json\) →/.test(l)), t.migrations.join("\n"));
  assert.ok(t.migrations.some((l) => /^--config \/c.json → settings read from the file/.test(l)));
  assert.throws(() => translateRaspberryNinjaArgs(["--config", "/nope.json"], read), UsageError);
  files["/bad.json"] = JSON.stringify({ room: "R", record_room: true, shiny: 1 });
  assert.throws(() => translateRaspberryNinjaArgs(["--config", "/bad.json"], read), /'shiny' is not a Raspberry.Ninja setting/);
  files["/pub.json"] = JSON.stringify({ room: "R", record_room: true, pipein: "auto" });
  assert.throws(() => translateRaspberryNinjaArgs(["--config", "/pub.json"], read), /--pipein \(in \/pub.json\) is a publishing flag/);
});

test("raspberry.ninja args - publishing and other outputs are refused, never ignored", () => {
  for (const [flags, why] of [
    [["--pipein", "auto"], /--pipein is a publishing flag/],
    [["--save"], /--save is a publishing flag/],
    [["--midi"], /--midi is a publishing flag/],
    [["--test"], /publishing/],
    [["--ndiout", "cam"], /--ndiout pulls a stream to another output/],
    [["--room-ndi"], /another output/],
    [["--view", "cam"], /another output/],
    [["--hls"], /--hls: .* not HLS/],
    [["--h264", "--vp8"], /give one preferred codec/],
    [["--ice-transport-policy", "some"], /not all or relay/],
    [["--buffer", "lots"], /not a whole number/],
    [["--debug=yes"], /takes no value/],
    [["--room"], /needs a value/],
  ] as const) {
    assert.throws(() => translate(flags), why, flags.join(" "));
  }
  assert.throws(() => translateRaspberryNinjaArgs(["--room", "R"], noFiles), /publishing command line: room-recorder records only/);
  assert.throws(() => translateRaspberryNinjaArgs(["--record-room"], noFiles), /--record-room needs --room/);
  // Not a Raspberry.Ninja flag nor ours: record's parser refuses it.
  assert.throws(() => parseRecordArgs(translate(["--shiny"]).argv, {}), UsageError);
});

test("raspberry.ninja args - hostile values are shown escaped; detection", () => {
  const t = translate(["--record-streams", "a\u001b[2Jb"]);
  assert.match(t.migrations[2]!, /a\\u001b\[2Jb/);
  assert.equal(isRaspberryNinjaInvocation(["--room", "R", "--record-room"]), true);
  assert.equal(isRaspberryNinjaInvocation(["--config", "x.json"]), true);
  assert.equal(isRaspberryNinjaInvocation(["--room", "R", "--include", "a"]), false);
});
