//go:build tools

// Package tools pins etcd 3.5 for the operator tests' control plane. etcd's own
// go.mod carries relative replaces, so `go install …@v3.5.x` refuses it; a wrapper
// module builds the server's main package instead (scripts/build-k8s.sh).
package tools

import _ "go.etcd.io/etcd/server/v3"
