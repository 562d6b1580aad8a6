package dev.parley.rooms.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A room row. Never leaves repository/service; REST and events use {@code dev.parley.events.payload.Room}. */
@Entity
@Table(name = "rooms")
public class RoomEntity {
    @Id
    public UUID id;
    public String tenant;
    public String name;
    public String description;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public Instant createdAt;
}
