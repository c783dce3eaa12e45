#!/usr/bin/env bash
# etcd, kube-apiserver, kube-controller-manager and kube-scheduler as host processes (the way
# kubeadm's static pods run them, minus the pods). The apiserver listens on the node address only.
set -euo pipefail
source "$(dirname "$0")/env.sh"
mkdir -p "$NODE_DIR/etcd"

daemon etcd "$BIN/etcd" --data-dir="$NODE_DIR/etcd" --log-level=warn --unsafe-no-fsync \
  --listen-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="default=http://127.0.0.1:$ETCD_PEER_PORT"

daemon kube-apiserver "$BIN/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port="$API_PORT" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --token-auth-file="$PKI/tokens.csv" \
  --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
  --service-account-issuer="https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
  --service-account-key-file="$PKI/sa.key" --service-account-signing-key-file="$PKI/sa.key" \
  --service-cluster-ip-range="$SERVICE_CIDR" --allow-privileged=true \
  --kubelet-preferred-address-types=InternalIP

apiserver_ready() { kubectl get --raw=/readyz; }
wait_for 120 "kube-apiserver /readyz" apiserver_ready

daemon kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig="$NODE_DIR/controller-manager.kubeconfig" --leader-elect=false --secure-port=0 \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --service-cluster-ip-range="$SERVICE_CIDR" --cluster-name="$NODE_NAME" \
  --controllers='*,-cloud-node-lifecycle-controller,-node-ipam-controller,-service-lb-controller,-node-route-controller'

daemon kube-scheduler "$BIN/kube-scheduler" \
  --kubeconfig="$NODE_DIR/scheduler.kubeconfig" --leader-elect=false --secure-port=0
