{{/* ConfigMap of one component: (dict "root" $ "component" "gateway") */}}
{{- define "parley.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "parley.componentName" . }}-config
  labels:
    {{- include "parley.labels" . | nindent 4 }}
data:
  application.properties: |
    {{- include "parley.applicationProperties" . | nindent 4 }}
{{- end -}}

{{/* Deployment of one component. */}}
{{- define "parley.deployment" -}}
{{- $root := .root -}}
{{- $v := index $root.Values .component -}}
{{- $name := include "parley.componentName" . -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  selector:
    matchLabels:
      {{- include "parley.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "parley.labels" . | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include "parley.applicationProperties" . | sha256sum }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "parley.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $root.Values.serviceAccount.automountServiceAccountToken }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      containers:
        - name: {{ .component }}
          image: {{ include "parley.image" . }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          securityContext:
            {{- toYaml $root.Values.containerSecurityContext | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $v.ports.http }}
              protocol: TCP
            - name: management
              containerPort: {{ $v.ports.management }}
              protocol: TCP
          env:
            - name: JAVA_OPTS_APPEND
              value: {{ $root.Values.javaOpts | quote }}
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            {{- if include "parley.hasDatabase" . }}
            {{- $dbSecret := $v.database.existingSecret | default $root.Values.postgresql.existingSecret }}
            - name: QUARKUS_DATASOURCE_USERNAME
              valueFrom:
                secretKeyRef:
                  name: {{ required "postgresql.existingSecret (or <component>.database.existingSecret) is required" $dbSecret }}
                  key: {{ $root.Values.postgresql.usernameKey }}
            - name: QUARKUS_DATASOURCE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ $dbSecret }}
                  key: {{ $root.Values.postgresql.passwordKey }}
            {{- end }}
            {{- if hasPrefix "SASL_" $root.Values.kafka.securityProtocol }}
            {{- $sasl := $root.Values.kafka.sasl }}
            {{- $saslSecret := required "kafka.sasl.existingSecret is required with a SASL_* securityProtocol" $sasl.existingSecret }}
            - name: KAFKA_SASL_USERNAME
              {{- if $sasl.username }}
              value: {{ $sasl.username | quote }}
              {{- else }}
              valueFrom:
                secretKeyRef:
                  name: {{ $saslSecret }}
                  key: {{ $sasl.usernameKey }}
              {{- end }}
            - name: KAFKA_SASL_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ $saslSecret }}
                  key: {{ $sasl.passwordKey }}
            {{- end }}
            {{- with $root.Values.oidc.existingSecret }}
            - name: QUARKUS_OIDC_CREDENTIALS_SECRET
              valueFrom:
                secretKeyRef:
                  name: {{ . }}
                  key: {{ $root.Values.oidc.clientSecretKey }}
            {{- end }}
            {{- if eq .component "gateway" }}
            - name: PARLEY_GATEWAY_TICKET_SECRET
              valueFrom:
                secretKeyRef:
                  name: {{ required "gateway.ticketSecret.existingSecret is required: a Secret with a stream-ticket key of at least 32 bytes shared by all gateway pods" $v.ticketSecret.existingSecret }}
                  key: {{ $v.ticketSecret.key }}
            {{- end }}
            {{- if and (eq .component "channel") (eq $v.blobs.store "s3") $v.blobs.s3.existingSecret }}
            - name: PARLEY_CHANNEL_BLOBS_S3_ACCESS_KEY
              valueFrom:
                secretKeyRef:
                  name: {{ $v.blobs.s3.existingSecret }}
                  key: {{ $v.blobs.s3.accessKeyKey }}
            - name: PARLEY_CHANNEL_BLOBS_S3_SECRET_KEY
              valueFrom:
                secretKeyRef:
                  name: {{ $v.blobs.s3.existingSecret }}
                  key: {{ $v.blobs.s3.secretKeyKey }}
            {{- end }}
            {{- if eq .component "rooms" }}
            {{- range $i, $name := keys $v.webhooks.targets | sortAlpha }}
            {{- $t := index $v.webhooks.targets $name }}
            - name: PARLEY_WEBHOOK_SECRET_{{ $i }}
              valueFrom:
                secretKeyRef:
                  name: {{ required (printf "rooms.webhooks.targets.%s.existingSecret is required" $name) $t.existingSecret }}
                  key: {{ $t.secretKey | default "secret" }}
            {{- end }}
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          startupProbe:
            httpGet:
              path: /q/health/live
              port: management
            {{- toYaml $v.probes.startup | nindent 12 }}
          livenessProbe:
            httpGet:
              path: /q/health/live
              port: management
            {{- toYaml $v.probes.liveness | nindent 12 }}
          readinessProbe:
            httpGet:
              path: /q/health/ready
              port: management
            {{- toYaml $v.probes.readiness | nindent 12 }}
          {{- if eq .component "gateway" }}
          lifecycle:
            preStop:
              # Stop taking new connections (endpoints and load balancers catch up), then SIGTERM lets the gateway
              # tell every WebSocket/SSE client to reconnect within quarkus.shutdown.timeout.
              sleep:
                seconds: {{ $v.drain.preStopSleepSeconds }}
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: config
              mountPath: {{ $root.Values.configMountPath }}
              readOnly: true
            {{- if $root.Values.kafka.tls.caSecret }}
            - name: kafka-ca
              mountPath: /etc/parley/kafka-ca
              readOnly: true
            {{- end }}
            {{- if and (eq .component "channel") (eq $v.blobs.store "filesystem") }}
            - name: blobs
              mountPath: {{ $v.blobs.directory }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $root.Values.tmpSizeLimit }}
        - name: config
          configMap:
            name: {{ $name }}-config
        {{- if $root.Values.kafka.tls.caSecret }}
        - name: kafka-ca
          secret:
            secretName: {{ $root.Values.kafka.tls.caSecret }}
        {{- end }}
        {{- if and (eq .component "channel") (eq $v.blobs.store "filesystem") }}
        - name: blobs
          persistentVolumeClaim:
            claimName: {{ $v.blobs.persistence.existingClaim | default (printf "%s-blobs" $name) }}
        {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $v.affinity }}
      affinity:
        {{- toYaml $v.affinity | nindent 8 }}
      {{- else }}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "parley.selectorLabels" . | nindent 20 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{/* Service of one component: the HTTP port (gateway → service) and the management port (metrics, helm test). */}}
{{- define "parley.service" -}}
{{- $v := index .root.Values .component -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "parley.componentName" . }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
  {{- with $v.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $v.service.type }}
  selector:
    {{- include "parley.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $v.ports.http }}
      targetPort: http
      protocol: TCP
    - name: management
      port: {{ $v.ports.management }}
      targetPort: management
      protocol: TCP
{{- end -}}

{{/* HorizontalPodAutoscaler of one component (CPU; the gateway also on open connections when enabled). */}}
{{- define "parley.hpa" -}}
{{- $v := index .root.Values .component -}}
{{- if $v.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "parley.componentName" . }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "parley.componentName" . }}
  {{- /* `<component>.replicas` is the floor, so scaling one service is one value with or without the HPA. */}}
  {{- $min := $v.autoscaling.minReplicas | default $v.replicas | int }}
  minReplicas: {{ $min }}
  maxReplicas: {{ max $min ($v.autoscaling.maxReplicas | int) }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $v.autoscaling.targetCPUUtilizationPercentage }}
    {{- if and $v.autoscaling.connections $v.autoscaling.connections.enabled }}
    - type: Pods
      pods:
        metric:
          name: {{ $v.autoscaling.connections.metricName }}
        target:
          type: AverageValue
          averageValue: {{ $v.autoscaling.connections.averageValue | quote }}
    {{- end }}
  behavior:
    scaleDown:
      # Scaling a gateway down disconnects clients (they reconnect elsewhere): go slowly.
      stabilizationWindowSeconds: 300
      policies:
        - type: Pods
          value: 1
          periodSeconds: 120
{{- end }}
{{- end -}}

{{/* PodDisruptionBudget of one component. */}}
{{- define "parley.pdb" -}}
{{- $v := index .root.Values .component -}}
{{- if $v.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "parley.componentName" . }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
spec:
  {{- if $v.pdb.minAvailable }}
  minAvailable: {{ $v.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $v.pdb.maxUnavailable | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "parley.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}
