#!/usr/bin/env bash
# Certificates, tokens and kubeconfigs of the test cluster, made once per `up` (kept until `down`).
# Components authenticate with static bearer tokens (--token-auth-file): simple and enough for one
# machine. The kubelet's user is system:node:rr-node in system:nodes, so the Node authorizer and
# NodeRestriction admission treat it as a real kubelet. The CA also signs the apiserver's serving
# certificate, whose SANs include the `kubernetes` Service IP: pods verify it with the CA that
# kube-controller-manager publishes as the kube-root-ca.crt ConfigMap.
set -euo pipefail
source "$(dirname "$0")/env.sh"
[ -f "$PKI/tokens.csv" ] && exit 0
mkdir -p "$PKI"
cd "$PKI"

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj "/CN=rr-node-ca" 2>/dev/null
cat > apiserver.cnf <<CNF
[req]
distinguished_name = dn
[dn]
[ext]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:$NODE_IP, IP:$KUBERNETES_SERVICE_IP, IP:127.0.0.1, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.$CLUSTER_DOMAIN, DNS:localhost
CNF
openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" -config apiserver.cnf 2>/dev/null
openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 30 -extfile apiserver.cnf -extensions ext 2>/dev/null
openssl genrsa -out sa.key 2048 2>/dev/null

# user -> "token,user,uid,groups"
token() { openssl rand -hex 16; }
declare -A USERS=(
  [admin]="admin,admin,\"system:masters\""
  [kubelet]="system:node:$NODE_NAME,kubelet,\"system:nodes\""
  [kube-proxy]="system:kube-proxy,kube-proxy"
  [scheduler]="system:kube-scheduler,kube-scheduler"
  # The controller-manager runs every controller under its own identity (no per-controller
  # service accounts): on a one-machine test cluster system:masters is the honest grant.
  [controller-manager]="system:kube-controller-manager,kube-controller-manager,\"system:masters\""
)
: > tokens.csv.tmp
for name in "${!USERS[@]}"; do
  t=$(token)
  echo "$t,${USERS[$name]}" >> tokens.csv.tmp
  user="${USERS[$name]%%,*}"
  cat > "$NODE_DIR/$name.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: rr-node, cluster: {server: "$API_SERVER", certificate-authority: "$PKI/ca.crt"}}]
users: [{name: "$user", user: {token: "$t"}}]
contexts: [{name: rr-node, context: {cluster: rr-node, user: "$user"}}]
current-context: rr-node
KC
  chmod 600 "$NODE_DIR/$name.kubeconfig"
done
chmod 600 tokens.csv.tmp ./*.key
mv tokens.csv.tmp tokens.csv
