package dev.parley.channel.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** An upload; attached to at most one message, once. */
@Entity
@Table(name = "channel_attachment")
public class AttachmentEntity extends PanacheEntityBase {
    @Id
    public UUID id;
    public String tenant;
    public String uploader;
    public String name;
    public long size;
    @Column(name = "content_type")
    public String contentType;
    public String sha256;
    @Column(name = "blob_key")
    public String blobKey;
    @Column(name = "message_id")
    public UUID messageId;
    public Integer position;
    @Column(name = "created_at")
    public Instant createdAt;
}
