/**
 * What the operator's informer caches keep of each object (client-go's `SetTransform` /
 * controller-runtime's cache `TransformFunc`, which client-node lacks): `metadata.managedFields`
 * is never read here and is the bulk of an applied object; a pod's `spec` is never read either
 * (reconcile decides from labels, annotations and status; the spec hash annotation stands for
 * the spec). Measured at 2 200 pods: docs/performance.md, "Operator".
 *
 * client-node's ListWatch stores the very object it hands to "add"/"update" handlers, so trimming
 * in the first handler trims the cached copy. Fields are set to undefined rather than deleted, so
 * V8 keeps the objects' fast shapes.
 */
import type { KubernetesObject, V1Pod } from "@kubernetes/client-node";

export function trimCachedObject(obj: KubernetesObject): void {
  if (obj.metadata) obj.metadata.managedFields = undefined;
}

export function trimCachedPod(pod: V1Pod): void {
  trimCachedObject(pod);
  pod.spec = undefined;
}
