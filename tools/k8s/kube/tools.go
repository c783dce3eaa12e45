//go:build tools

// Package tools pins the Kubernetes control-plane binaries the operator tests run.
// k8s.io/kubernetes requires its staging modules at v0.0.0, so this wrapper module
// replaces each one with its published tag (see scripts/build-k8s.sh).
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
