package dev.parley.platform.app;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import java.util.UUID;

/** A test-only entity: the state change an event belongs to. */
@Entity
public class Note extends PanacheEntityBase {
    @Id
    public UUID id;
    public String tenant;
    public String text;
}
