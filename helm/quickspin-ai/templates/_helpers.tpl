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
{{- /* every broker pod by its stable name: workers register with all of them, clients fail over */ -}}
{{- define "qs.brokerEndpoint" -}}
{{- $root := . -}}
{{- $list := list -}}
{{- range $i := until (int .Values.components.broker.replicas) -}}
{{- $list = append $list (printf "tcp://%s-broker-%d.%s-broker:%d" (include "qs.fullname" $root) $i (include "qs.fullname" $root) (int $root.Values.broker.port)) -}}
{{- end -}}
{{- join "," $list -}}
{{- end -}}
