//go:build tools

// Package tools pins the Kubernetes binaries the tests run: the control plane (operator tests)
// and a real node (kubelet, kube-scheduler, kube-proxy; scripts/node/).
// k8s.io/kubernetes requires its staging modules at v0.0.0, so this wrapper module
// replaces each one with its published tag (see scripts/build-k8s.sh).
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
