{{/* Chart name, truncated to a DNS label. */}}
{{- define "room-recorder.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the operator's objects: <release>-operator (so `helm install room-recorder` gives
room-recorder-operator, the operator's default Lease name too).
*/}}
{{- define "room-recorder.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-operator" (.Release.Name | trimSuffix "-operator") | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "room-recorder.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object of the chart carries. */}}
{{- define "room-recorder.labels" -}}
helm.sh/chart: {{ include "room-recorder.chart" . }}
{{ include "room-recorder.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: room-recorder
{{- end }}

{{/* The operator Deployment's selector: immutable, so nothing version-dependent. */}}
{{- define "room-recorder.selectorLabels" -}}
app.kubernetes.io/name: {{ include "room-recorder.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "room-recorder.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "room-recorder.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag or repository@digest; tag defaults to the appVersion. */}}
{{- define "room-recorder.imageRef" -}}
{{- $img := index . 0 }}{{ $root := index . 1 }}
{{- if $img.digest }}
{{- printf "%s@%s" $img.repository $img.digest }}
{{- else }}
{{- printf "%s:%s" $img.repository (default $root.Chart.AppVersion $img.tag) }}
{{- end }}
{{- end }}

{{- define "room-recorder.podNatsUrl" -}}
{{- default .Values.nats.url .Values.nats.podUrl }}
{{- end }}

{{/* Hardened security contexts (design.md "Cluster objects"); uid 1000 is the image's USER. */}}
{{- define "room-recorder.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "room-recorder.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Selector of the pods the operator creates (src/operator/names.ts LABEL_MANAGED_BY). */}}
{{- define "room-recorder.recordingPodSelector" -}}
app.kubernetes.io/managed-by: room-recorder-operator
{{- end }}

{{/*
The pod defaults document the operator reads at start (--pod-defaults, src/operator/podDefaults.ts):
everything that shapes the signaler and worker pods, in one place. JSON keys are sorted, so the
checksum on the Deployment changes only when a value does.
*/}}
{{- define "room-recorder.podDefaults" -}}
{{- $p := .Values.pods -}}
{{- dict
  "imagePullPolicy" .Values.podImage.pullPolicy
  "imagePullSecrets" .Values.imagePullSecrets
  "workerResources" $p.workerResources
  "signalerResources" $p.signalerResources
  "nodeSelector" $p.nodeSelector
  "tolerations" $p.tolerations
  "affinity" $p.affinity
  "natsCaSecret" .Values.nats.tls.caSecret
  "defaultStorage" $p.defaultStorage
  "ice" .Values.ice
  | toPrettyJson }}
{{- end }}
