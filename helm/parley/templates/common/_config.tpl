{{/*
application.properties of one component: (dict "root" $ "component" "channel").
Only non-secret settings; secrets arrive as environment variables from existing Secrets (see _workload.tpl).
*/}}
{{- define "parley.applicationProperties" -}}
{{- $root := .root -}}
{{- $v := index $root.Values .component -}}
{{- $k := $root.Values.kafka -}}
# Rendered by the Parley chart for {{ .component }}; overrides the jar's application.properties (ordinal 260).
kafka.bootstrap.servers={{ $k.bootstrapServers }}
kafka.security.protocol={{ $k.securityProtocol }}
{{- if hasPrefix "SASL_" $k.securityProtocol }}
kafka.sasl.mechanism={{ $k.sasl.mechanism }}
{{- if eq $k.sasl.mechanism "PLAIN" }}
kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${KAFKA_SASL_USERNAME}" password="${KAFKA_SASL_PASSWORD}";
{{- else }}
kafka.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_SASL_USERNAME}" password="${KAFKA_SASL_PASSWORD}";
{{- end }}
{{- end }}
{{- if $k.tls.caSecret }}
kafka.ssl.truststore.type=PEM
kafka.ssl.truststore.location=/etc/parley/kafka-ca/{{ $k.tls.caKey }}
{{- end }}
{{- with $k.topicPrefix }}
parley.kafka.topic-prefix={{ . }}
{{- end }}
parley.kafka.create-topics={{ not $k.topics.enabled }}
parley.kafka.partitions={{ $k.partitions }}
parley.kafka.replication-factor={{ $k.replicationFactor }}
quarkus.oidc.auth-server-url={{ $root.Values.oidc.authServerUrl }}
quarkus.oidc.token.audience={{ $root.Values.oidc.audience }}
parley.auth.tenant-claim={{ $root.Values.oidc.tenantClaim }}
{{- with $root.Values.oidc.clientId }}
quarkus.oidc.client-id={{ . }}
{{- end }}
quarkus.log.console.json={{ $root.Values.logJson }}
{{- if include "parley.hasDatabase" . }}
{{- $pg := $root.Values.postgresql }}
quarkus.datasource.reactive.url=postgresql://{{ $pg.host }}:{{ $pg.port }}/{{ $v.database.name }}?sslmode={{ $pg.sslMode }}
quarkus.datasource.jdbc.url=jdbc:postgresql://{{ $pg.host }}:{{ $pg.port }}/{{ $v.database.name }}?sslmode={{ $pg.sslMode }}
{{- end }}
{{- if eq .component "channel" }}
parley.channel.retention.period={{ div (int64 $v.retentionMs) 1000 }}s
parley.channel.attachments.tenant-quota={{ $v.tenantAttachmentQuota }}
{{- $b := $v.blobs }}
parley.channel.blobs.store={{ $b.store }}
{{- if eq $b.store "s3" }}
{{- with $b.s3.endpoint }}
parley.channel.blobs.s3.endpoint={{ . }}
{{- end }}
parley.channel.blobs.s3.region={{ $b.s3.region }}
parley.channel.blobs.s3.bucket={{ $b.s3.bucket }}
parley.channel.blobs.s3.path-style={{ $b.s3.pathStyle }}
{{- else }}
parley.channel.blobs.directory={{ $b.directory }}
{{- end }}
{{- end }}
{{- if eq .component "rooms" }}
{{- range $i, $name := keys $v.webhooks.targets | sortAlpha }}
{{- $t := index $v.webhooks.targets $name }}
parley.rooms.webhooks.targets.{{ $name }}.tenant={{ required "rooms.webhooks.targets.*.tenant" $t.tenant }}
parley.rooms.webhooks.targets.{{ $name }}.app={{ required "rooms.webhooks.targets.*.app" $t.app }}
parley.rooms.webhooks.targets.{{ $name }}.url={{ required "rooms.webhooks.targets.*.url" $t.url }}
parley.rooms.webhooks.targets.{{ $name }}.secret=${PARLEY_WEBHOOK_SECRET_{{ $i }}}
{{- end }}
{{- end }}
{{- if eq .component "gateway" }}
{{- range $svc := list "presence" "channel" "rooms" "sessions" }}
{{- $sv := index $root.Values $svc }}
parley.gateway.services.{{ $svc }}.url=http://{{ include "parley.componentName" (dict "root" $root "component" $svc) }}:{{ $sv.ports.http }}
{{- end }}
{{- with $v.allowedOrigins }}
parley.gateway.allowed-origins={{ join "," . }}
{{- end }}
quarkus.shutdown.timeout={{ $v.drain.shutdownTimeout }}
{{- end }}
{{- range $key, $value := $root.Values.extraConfig }}
{{ $key }}={{ $value }}
{{- end }}
{{- range $key, $value := $v.config }}
{{ $key }}={{ $value }}
{{- end }}
{{- end -}}
