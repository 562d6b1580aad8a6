package dev.parley.rooms.service;

import dev.parley.events.payload.RoomMessage;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.paging.PageRequest;
import dev.parley.platform.problem.ProblemException;
import dev.parley.rooms.config.RoomsConfig;
import dev.parley.platform.search.SearchQuery;
import dev.parley.rooms.repository.MessageEntity;
import dev.parley.rooms.repository.MessageRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code GET /api/agent-rooms/search} (ADR 0047): full text over the messages of every room the caller is a member
 * of (an app token: every room one of its agents is in), or of one such room; newest first, paged by message id.
 */
@ApplicationScoped
public class SearchService {

    /** One match: its room, the message as REST returns it, a plain-text snippet with the matches marked. */
    public record Hit(String roomId, RoomMessage message, String snippet) {
    }

    /** A page of matches, newest first; {@code nextBefore} is the message id to pass as {@code before}. */
    public record Results(List<Hit> items, String nextBefore) {
    }

    private final RoomService rooms;
    private final MessageRepository messages;
    private final RoomsConfig config;

    public SearchService(RoomService rooms, MessageRepository messages, RoomsConfig config) {
        this.rooms = rooms;
        this.messages = messages;
        this.config = config;
    }

    public Uni<Results> search(Caller caller, String q, String room, String before, String limit) {
        String text = SearchQuery.of(q, config.searchMaxQueryLength());
        UUID beforeId = null;
        if (before != null && !before.isEmpty()) {
            try {
                beforeId = UUID.fromString(before);
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid("before must be a message id (the nextBefore of a previous page)");
            }
        }
        int max = PageRequest.of(null, null, limit, config.pageMaxLimit()).limit();
        UUID roomId = room == null || room.isEmpty() ? null : RoomErrors.roomId(room);
        UUID cursor = beforeId;
        String ref = caller.isHuman() ? caller.userRef() : null;
        String app = caller.isHuman() ? null : caller.appId();
        return Panache.withSession(() -> (roomId == null ? Uni.createFrom().voidItem() : rooms.visible(caller, roomId))
                .chain(() -> messages.search(caller.tenant(), ref, app, roomId, text, cursor, max + 1))
                .chain(rows -> {
                    boolean more = rows.size() > max;
                    List<MessageRepository.SearchRow> shown = more ? rows.subList(0, max) : rows;
                    if (shown.isEmpty()) {
                        return Uni.createFrom().item(new Results(List.of(), null));
                    }
                    return messages.byIds(shown.stream().map(MessageRepository.SearchRow::id).toList()).map(found -> {
                        Map<UUID, MessageEntity> byId = found.stream()
                                .collect(Collectors.toMap(m -> m.id, Function.identity()));
                        List<Hit> hits = new ArrayList<>(shown.size());
                        for (MessageRepository.SearchRow row : shown) {
                            hits.add(new Hit(row.roomId().toString(), Payloads.message(byId.get(row.id())),
                                    row.snippet()));
                        }
                        return new Results(hits, more ? shown.get(shown.size() - 1).id().toString() : null);
                    });
                }));
    }
}
