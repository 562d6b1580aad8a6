{{/*
Names, labels and shared snippets. Components are addressed by their values key:
gateway, presence, channel, rooms, sessions.
*/}}

{{- define "parley.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "parley.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "parley.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Resource name of a component: (dict "root" $ "component" "gateway") */}}
{{- define "parley.componentName" -}}
{{- printf "%s-%s" (include "parley.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: stable across upgrades, never the version. */}}
{{- define "parley.selectorLabels" -}}
app.kubernetes.io/name: {{ include "parley.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{/* Full label set: (dict "root" $ "component" "gateway"); component may be empty. */}}
{{- define "parley.labels" -}}
helm.sh/chart: {{ include "parley.chart" .root }}
{{ include "parley.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: parley
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "parley.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "parley.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Image reference of a component; refuses `latest`. */}}
{{- define "parley.image" -}}
{{- $values := index .root.Values .component -}}
{{- $tag := $values.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion | toString -}}
{{- if eq $tag "latest" -}}
{{- fail (printf "%s.image.tag: 'latest' is not allowed; pin a version" .component) -}}
{{- end -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" .root.Values.image.registry $values.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" $values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Components that own a database. */}}
{{- define "parley.hasDatabase" -}}
{{- if has .component (list "channel" "rooms" "sessions") -}}true{{- end -}}
{{- end -}}

{{/* Prometheus operator resources wanted? */}}
{{- define "parley.monitoringEnabled" -}}
{{- if or .Values.monitoring.enabled (and .Values.monitoring.autoDetect (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1")) -}}true{{- end -}}
{{- end -}}

{{/* Topic name with the configured prefix. */}}
{{- define "parley.topic" -}}
{{- printf "%s%s" (.root.Values.kafka.topicPrefix | default "") .topic -}}
{{- end -}}

{{/* PromQL label matchers selecting this release's services (job = Service name, set by the ServiceMonitor). */}}
{{- define "parley.promSelector" -}}
namespace="{{ .Release.Namespace }}", job=~"{{ include "parley.fullname" . }}-(gateway|presence|channel|rooms|sessions)"
{{- end -}}
