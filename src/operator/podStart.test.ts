import { test } from "node:test";
import assert from "node:assert/strict";
import type { V1Pod } from "@kubernetes/client-node";
import { StartProblemReason, startProblem, startTimedOut, timeoutProblem } from "./podStart.ts";
import { workerPod } from "./specs/workerPod.ts";
import { createdAt, recording, settings, stream, unschedulable, waiting, withPhase } from "./testing/fixtures.ts";

const NOW = 10_000_000;
const pod = () => workerPod(recording(), stream("a"), 1, settings);
const name = pod().metadata!.name!;

test("podStart - classifies what the kubelet and scheduler report, naming the image, Secret or claim", () => {
  const cases: { what: string; pod: V1Pod; reason?: string; mentions?: RegExp }[] = [
    { what: "ErrImagePull", pod: waiting(pod(), "ErrImagePull", 'failed to pull and unpack image "registry.example/rr:nope": not found', NOW, "registry.example/rr:nope"), reason: StartProblemReason.imagePull, mentions: /image "registry\.example\/rr:nope" cannot be pulled \(ErrImagePull: failed to pull/ },
    { what: "ImagePullBackOff", pod: waiting(pod(), "ImagePullBackOff", 'Back-off pulling image "x"', NOW, "x"), reason: StartProblemReason.imagePull, mentions: /image "x"/ },
    { what: "ErrImageNeverPull", pod: waiting(pod(), "ErrImageNeverPull", "Container image \"x\" is not present with pull policy of Never", NOW, "x"), reason: StartProblemReason.imagePull },
    { what: "InvalidImageName", pod: waiting(pod(), "InvalidImageName", 'couldn\'t parse image name "X Y"', NOW, "X Y"), reason: StartProblemReason.imagePull },
    { what: "missing Secret", pod: waiting(pod(), "CreateContainerConfigError", 'secret "studio-room" not found', NOW), reason: StartProblemReason.containerConfig, mentions: /secret "studio-room" not found/ },
    { what: "missing key", pod: waiting(pod(), "CreateContainerConfigError", "couldn't find key password in Secret media/studio-room", NOW), reason: StartProblemReason.containerConfig, mentions: /key password/ },
    { what: "runtime refusal", pod: waiting(pod(), "CreateContainerError", "failed to create containerd container", NOW), reason: StartProblemReason.containerCreate },
    { what: "missing claim", pod: unschedulable(pod(), '0/1 nodes are available: persistentvolumeclaim "recordings" not found.', NOW), reason: StartProblemReason.unschedulable, mentions: /persistentvolumeclaim "recordings" not found/ },
    { what: "still creating", pod: waiting(pod(), "ContainerCreating", "", NOW) },
    { what: "being scheduled", pod: createdAt(pod(), NOW) },
    { what: "running", pod: withPhase(pod(), "Running") },
    { what: "failed", pod: withPhase(pod(), "Failed", 1) },
    { what: "deleted while stuck", pod: { ...waiting(pod(), "ErrImagePull", "x", NOW), metadata: { ...pod().metadata, deletionTimestamp: new Date(NOW) } } },
  ];
  for (const c of cases) {
    const problem = startProblem(c.pod);
    assert.equal(problem?.reason, c.reason, c.what);
    if (problem) assert.ok(problem.message.startsWith(`pod ${name}`), `${c.what}: names the pod (${problem.message})`);
    if (c.mentions) assert.match(problem!.message, c.mentions, c.what);
  }
});

test("podStart - a long kubelet message is cut, so status stays small", () => {
  const problem = startProblem(waiting(pod(), "ErrImagePull", "x".repeat(5_000), NOW));
  assert.ok(problem && problem.message.length < 500, String(problem?.message.length));
});

test("podStart - the start timeout counts from creation, for pods that have not started only", () => {
  const stuck = waiting(pod(), "ContainerCreating", "", NOW);
  assert.equal(startTimedOut(stuck, NOW + 59_999, 60_000), false);
  assert.equal(startTimedOut(stuck, NOW + 60_000, 60_000), true);
  assert.equal(startTimedOut(withPhase(createdAt(pod(), NOW), "Running"), NOW + 3_600_000, 60_000), false, "a running pod never times out");
  assert.equal(startTimedOut(pod(), NOW + 3_600_000, 60_000), false, "no creation time yet: not judged");
  // The timeout says what was last known, or that the status did not say.
  assert.match(timeoutProblem(waiting(pod(), "CreateContainerConfigError", 'secret "s" not found', NOW), 60_000).message, /secret "s" not found\); not started 60 s after creation/);
  const unknown = timeoutProblem(stuck, 300_000);
  assert.equal(unknown.reason, "StartTimeout");
  assert.match(unknown.message, /not started 300 s after creation \(ContainerCreating\); kubectl describe pod/);
});
