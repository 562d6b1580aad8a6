package dev.parley.rooms.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A room message; {@code mentions}, {@code routes} and {@code metadata} are stored as JSON text. */
@Entity
@Table(name = "room_messages")
public class MessageEntity {
    @Id
    public UUID id;
    @Column(name = "room_id")
    public UUID roomId;
    public long seq;
    public String sender;
    @Column(name = "sender_name")
    public String senderName;
    public String content;
    public String html;
    public String mentions;
    public String routes;
    public String metadata;
    @Column(name = "created_at")
    public Instant createdAt;
}
