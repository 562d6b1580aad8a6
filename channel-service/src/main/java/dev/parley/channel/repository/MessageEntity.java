package dev.parley.channel.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A channel message row (never leaves repository/service; the API shape is {@code ChannelMessage}). */
@Entity
@Table(name = "channel_message")
public class MessageEntity extends PanacheEntityBase {
    @Id
    public UUID id;
    public String tenant;
    public long seq;
    public String author;
    @Column(name = "author_name")
    public String authorName;
    public String body;
    @Column(name = "reply_to")
    public UUID replyTo;
    @Column(name = "reply_to_author")
    public String replyToAuthor;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "edited_at")
    public Instant editedAt;
    public boolean deleted;
}
