{{/* The chart name, truncated to the 63 characters of a label value. */}}
{{- define "koaxy.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The name of the release's objects: RELEASE-koaxy, or RELEASE when it already says koaxy. */}}
{{- define "koaxy.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "koaxy.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "koaxy.selectorLabels" . }}
app.kubernetes.io/version: {{ (.Values.image.tag | default .Chart.AppVersion) | toString | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels that select the gateway's pods (never change them on upgrade: selectors are immutable). */}}
{{- define "koaxy.selectorLabels" -}}
app.kubernetes.io/name: {{ include "koaxy.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The ServiceAccount the controller's token belongs to. */}}
{{- define "koaxy.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "koaxy.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image reference: repository:tag, or repository@digest when a digest is set. */}}
{{- define "koaxy.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}
{{- end }}

{{/*
RBAC rules from THE ONE SOURCE files/rbac-rules.yaml (the controller's cluster tests render this
chart and use exactly what it renders). Called with (dict "root" $ "leases" BOOL): leases=true gives the leader-election rules
(those on Leases, granted in the release namespace only), false gives every other rule.
*/}}
{{- define "koaxy.rbacRules" -}}
{{- $text := .root.Files.Get "files/rbac-rules.yaml" }}
{{- if not $text }}{{ fail "files/rbac-rules.yaml is missing from the chart" }}{{ end }}
{{- $selected := list }}
{{- range (fromYamlArray $text) }}
{{- if eq (has "leases" .resources) $.leases }}
{{- $selected = append $selected . }}
{{- end }}
{{- end }}
{{- toYaml $selected }}
{{- end }}

{{/* The container security context shared by both containers. */}}
{{- define "koaxy.containerSecurityContext" -}}
{{- toYaml .Values.containerSecurityContext }}
{{- end }}
