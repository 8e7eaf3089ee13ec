{{- define "qs.name" -}}quickspin-ai{{- end -}}
{{- define "qs.fullname" -}}{{ printf "%s-%s" .Release.Name "quickspin-ai" | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- define "qs.labels" -}}
app.kubernetes.io/name: quickspin-ai
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
{{- define "qs.selector" -}}
app.kubernetes.io/name: quickspin-ai
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}
{{- define "qs.image" -}}{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}{{- end -}}
{{- define "qs.jwtSecretName" -}}{{ .Values.jwt.existingSecret | default (printf "%s-jwt" (include "qs.fullname" .)) }}{{- end -}}
{{- define "qs.mongoSecretName" -}}{{ .Values.store.existingSecret | default (printf "%s-mongodb" (include "qs.fullname" .)) }}{{- end -}}
{{- define "qs.llmSecretName" -}}{{ .Values.llm.existingSecret | default (printf "%s-llm" (include "qs.fullname" .)) }}{{- end -}}
{{- define "qs.brokerEndpoint" -}}tcp://{{ include "qs.fullname" . }}-broker:{{ .Values.broker.port }}{{- end -}}
