package dev.parley.channel.service;

import dev.parley.channel.config.ChannelConfig;
import dev.parley.platform.search.SearchQuery;
import dev.parley.channel.repository.ChannelRepository;
import dev.parley.channel.repository.MessageEntity;
import dev.parley.events.payload.ChannelMessage;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.paging.PageRequest;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code GET /api/channel/search} (ADR 0036): PostgreSQL full-text search over the generated {@code search} vector
 * of {@code channel_message} (GIN index), newest first, only live messages of the caller's tenant inside the
 * retention window — a deleted message (empty body, {@code deleted}) or one older than the window is never found,
 * even before the retention job removed its row.
 */
@ApplicationScoped
public class SearchService {

    /** One match: the message as REST returns it and a plain-text snippet with the matches marked {@code [[ ]]}. */
    public record Hit(ChannelMessage message, String snippet) {
    }

    /** A page of matches, newest first; {@code nextBefore} is the seq to pass as {@code before} for older ones. */
    public record Results(List<Hit> items, Long nextBefore) {
    }

    private final ChannelRepository repository;
    private final MessageService messages;
    private final ChannelConfig config;

    public SearchService(ChannelRepository repository, MessageService messages, ChannelConfig config) {
        this.repository = repository;
        this.messages = messages;
        this.config = config;
    }

    public Uni<Results> search(Caller caller, String q, String before, String limit) {
        caller.userRef();
        String text = SearchQuery.of(q, config.search().maxQueryLength());
        PageRequest page = PageRequest.of(before, null, limit);
        String tenant = caller.tenant();
        OffsetDateTime since = OffsetDateTime.ofInstant(Instant.now().minus(config.retention().period()),
                ZoneOffset.UTC);
        return Panache.withSession(() -> repository.search(tenant, text, since, page.before(), page.limit() + 1)
                .chain(rows -> {
                    boolean more = rows.size() > page.limit();
                    List<ChannelRepository.SearchRow> shown = more ? rows.subList(0, page.limit()) : rows;
                    if (shown.isEmpty()) {
                        return Uni.createFrom().item(new Results(List.of(), null));
                    }
                    List<UUID> ids = shown.stream().map(ChannelRepository.SearchRow::id).toList();
                    Long nextBefore = more ? shown.get(shown.size() - 1).seq() : null;
                    return repository.findAll(tenant, ids).chain(found -> {
                        Map<UUID, MessageEntity> byId = found.stream()
                                .collect(Collectors.toMap(m -> m.id, Function.identity()));
                        List<MessageEntity> ordered = new ArrayList<>(ids.size());
                        List<String> snippets = new ArrayList<>(ids.size());
                        for (ChannelRepository.SearchRow row : shown) {
                            MessageEntity m = byId.get(row.id());
                            if (m != null && !m.deleted) { // deleted between the two reads
                                ordered.add(m);
                                snippets.add(row.snippet());
                            }
                        }
                        return messages.views(tenant, ordered).map(views -> {
                            List<Hit> hits = new ArrayList<>(views.size());
                            for (int i = 0; i < views.size(); i++) {
                                hits.add(new Hit(views.get(i), snippets.get(i)));
                            }
                            return new Results(hits, nextBefore);
                        });
                    });
                }));
    }
}
