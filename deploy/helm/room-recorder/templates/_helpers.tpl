{{- define "rr.name" -}}{{ .Release.Name }}-operator{{- end -}}
{{- define "rr.image" -}}{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}{{- end -}}
{{- define "rr.labels" -}}
app.kubernetes.io/name: room-recorder
app.kubernetes.io/component: operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
