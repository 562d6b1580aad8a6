package dev.parley.rooms.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A current member of a room. */
@Entity
@Table(name = "room_members")
public class MemberEntity {
    @Id
    public UUID id;
    @Column(name = "room_id")
    public UUID roomId;
    public String ref;
    public String kind;
    /** The agent's app id; null for a human. */
    public String app;
    @Column(name = "added_by")
    public String addedBy;
    @Column(name = "added_at")
    public Instant addedAt;
}
