package dev.parley.channel.service;

import dev.parley.channel.config.ChannelConfig;
import dev.parley.channel.domain.Emoji;
import dev.parley.channel.domain.MessageRules;
import dev.parley.channel.domain.UuidV7;
import dev.parley.channel.metrics.ChannelMetrics;
import dev.parley.channel.repository.AttachmentEntity;
import dev.parley.channel.repository.ChannelRepository;
import dev.parley.channel.repository.ChannelRepository.ReactionRow;
import dev.parley.channel.repository.MessageEntity;
import dev.parley.events.EventTypes;
import dev.parley.events.StreamKey;
import dev.parley.events.StreamName;
import dev.parley.events.payload.AttachmentRef;
import dev.parley.events.payload.ChannelMessage;
import dev.parley.events.payload.Quote;
import dev.parley.events.payload.Reaction;
import dev.parley.platform.identity.Caller;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.paging.Page;
import dev.parley.platform.paging.PageRequest;
import dev.parley.platform.problem.ErrorCodes;
import dev.parley.platform.problem.ProblemException;
import dev.parley.platform.streamlog.StreamLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The team channel's messages and reactions: every write is one transaction with exactly one stream-log event. */
@ApplicationScoped
public class MessageService {

    public static final String POST_ROUTE = "POST /api/channel/messages";

    /** {@code POST /api/channel/messages} body. */
    public record PostMessage(String body, String replyTo, List<String> attachments) {
    }

    /** {@code PATCH /api/channel/messages/{id}} body. */
    public record EditMessage(String body) {
    }

    private final ChannelRepository repository;
    private final StreamLog log;
    private final Idempotency idempotency;
    private final BlobCleaner blobs;
    private final Scrubbing scrubbing;
    private final MessageRules rules;
    private final Counter posted;

    public MessageService(ChannelRepository repository, StreamLog log, Idempotency idempotency, BlobCleaner blobs,
                          Scrubbing scrubbing, ChannelConfig config, MeterRegistry registry) {
        this.repository = repository;
        this.log = log;
        this.idempotency = idempotency;
        this.blobs = blobs;
        this.scrubbing = scrubbing;
        this.rules = new MessageRules(config.message().maxLength(), config.message().maxAttachments(),
                config.message().excerptLength());
        this.posted = registry.counter(ChannelMetrics.MESSAGES_POSTED);
    }

    public MessageRules rules() {
        return rules;
    }

    // ---- reads ----------------------------------------------------------------------------------------------

    public Uni<Page<ChannelMessage>> list(Caller caller, PageRequest request) {
        String tenant = caller.tenant();
        return Panache.withSession(() -> repository.page(tenant, request).chain(fetched -> {
            if (fetched.isEmpty() && !request.forward()) {
                // platform Page.of unboxes a null nextAfter here (NPE); an empty back page has no cursors
                return Uni.createFrom().item(new Page<>(List.<ChannelMessage>of(), null,
                        request.before() == null ? null : request.before() - 1));
            }
            Page<MessageEntity> page = Page.of(request, fetched, m -> m.seq);
            return views(tenant, page.items())
                    .map(views -> new Page<>(views, page.nextBefore(), page.nextAfter()));
        }));
    }

    public Uni<ChannelMessage> get(Caller caller, UUID id) {
        return Panache.withSession(() -> visible(caller.tenant(), id).chain(m -> view(caller.tenant(), m)));
    }

    // ---- writes ---------------------------------------------------------------------------------------------

    public Uni<Response> post(Caller caller, PostMessage request, String idempotencyKey) {
        String author = caller.userRef();
        if (request == null) {
            throw ProblemException.badRequest(ErrorCodes.BODY_REQUIRED, "a JSON body is required");
        }
        rules.checkBody(request.body());
        List<UUID> attachmentIds = rules.checkAttachments(request.attachments());
        UUID replyTo = null;
        if (request.replyTo() != null) {
            replyTo = MessageRules.parse(request.replyTo());
            if (replyTo == null) {
                throw ProblemException.invalid("replyTo must be a message id");
            }
        }
        UUID replyToId = replyTo;
        String tenant = caller.tenant();
        StreamKey stream = caller.streamKey(StreamName.CHANNEL);
        boolean[] created = {false};
        return Panache.withTransaction(() -> idempotency.create(caller, POST_ROUTE, idempotencyKey, request, () -> {
            UUID id = UuidV7.next();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Uni<MessageEntity> original = replyToId == null ? Uni.createFrom().nullItem()
                    : repository.findAllShared(tenant, List.of(replyToId)).map(found -> {
                        MessageEntity o = found.isEmpty() ? null : found.get(0);
                        if (o == null || o.deleted) {
                            throw ProblemException.invalid("replyTo is not a message of this channel");
                        }
                        return o;
                    });
            return original.chain(o -> attachAll(attachmentIds, tenant, author, id)
                    .chain(() -> repository.attachmentsOf(List.of(id)))
                    .chain(attachments -> {
                        MessageEntity m = new MessageEntity();
                        m.id = id;
                        m.tenant = tenant;
                        m.author = author;
                        m.authorName = caller.name();
                        m.body = request.body();
                        m.replyTo = replyToId;
                        m.replyToAuthor = o == null ? null : o.author;
                        m.createdAt = now;
                        Quote quote = o == null ? null : new Quote(o.id.toString(), o.author, rules.excerpt(o.body), false);
                        return log.append(stream, EventTypes.MESSAGE_CREATED, seq -> {
                                    m.seq = seq;
                                    return toView(m, quote, attachments, List.of());
                                }, author)
                                .chain(envelope -> m.persist().replaceWith(envelope.dataAs(ChannelMessage.class)));
                    }))
                    .invoke(() -> created[0] = true);
        })).invoke(() -> {
            if (created[0]) {
                posted.increment();
            }
        });
    }

    private Uni<Void> attachAll(List<UUID> ids, String tenant, String uploader, UUID messageId) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < ids.size(); i++) {
            UUID attachmentId = ids.get(i);
            int position = i;
            chain = chain.chain(() -> repository.attach(attachmentId, tenant, uploader, messageId, position)
                    .map(ok -> {
                        if (!ok) {
                            throw ProblemException.limit(ErrorCodes.ATTACHMENT_INVALID, "attachment " + attachmentId
                                    + " is not an unused upload of yours");
                        }
                        return null;
                    }));
        }
        return chain;
    }

    public Uni<ChannelMessage> edit(Caller caller, UUID id, EditMessage request) {
        String ref = caller.userRef();
        if (request == null) {
            throw ProblemException.badRequest(ErrorCodes.BODY_REQUIRED, "a JSON body is required");
        }
        rules.checkBody(request.body());
        String tenant = caller.tenant();
        StreamKey stream = caller.streamKey(StreamName.CHANNEL);
        return Panache.withTransaction(() -> locked(tenant, id).chain(m -> {
            if (!m.author.equals(ref)) {
                throw ProblemException.forbidden(ErrorCodes.NOT_AUTHOR, "only the author can edit a message");
            }
            m.body = request.body();
            m.editedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            return writtenView(tenant, m).chain(view -> log.append(stream, EventTypes.MESSAGE_EDITED, seq -> view, ref)
                    .replaceWith(view));
        }));
    }

    /**
     * Deletes a message of the caller's: purges body, reactions and attachments; true when something changed. The
     * row is locked first (an edit or reaction racing it waits, then sees it deleted); every earlier copy of the text
     * is scrubbed before the {@code message.deleted} append, so the tenant's stream head is locked only for the
     * append and the commit (ADR 0033).
     */
    public Uni<Boolean> delete(Caller caller, UUID id) {
        String ref = caller.userRef();
        String tenant = caller.tenant();
        StreamKey stream = caller.streamKey(StreamName.CHANNEL);
        List<String> blobKeys = new ArrayList<>();
        return Panache.withTransaction(() -> repository.lock(tenant, id).chain(m -> {
            if (m == null) {
                throw ProblemException.notFound("message");
            }
            if (!m.author.equals(ref)) {
                throw ProblemException.forbidden(ErrorCodes.NOT_AUTHOR, "only the author can delete a message");
            }
            if (m.deleted) {
                return Uni.createFrom().item(false);
            }
            m.body = "";
            m.deleted = true;
            return repository.purgeChildren(m.id)
                    .chain(purged -> {
                        blobKeys.addAll(purged.blobKeys());
                        return scrubbing.inSession(List.of(m.id.toString()), List.of(tenant), purged.attachmentIds());
                    })
                    .chain(() -> quoteOf(tenant, m))
                    .chain(quote -> {
                        ChannelMessage purged = toView(m, quote, List.of(), List.of());
                        return log.append(stream, EventTypes.MESSAGE_DELETED, seq -> purged, ref).replaceWith(true);
                    });
        })).call(changed -> blobs.deleteAll(blobKeys));
    }

    public Uni<ChannelMessage> react(Caller caller, UUID id, String emoji, boolean add) {
        String ref = caller.userRef();
        if (!Emoji.valid(emoji)) {
            throw ProblemException.invalid("a reaction is one emoji or a :short_code: of 1-32 [a-z0-9_+-]");
        }
        String tenant = caller.tenant();
        StreamKey stream = caller.streamKey(StreamName.CHANNEL);
        return Panache.withTransaction(() -> locked(tenant, id).chain(m ->
                (add ? repository.addReaction(m.id, emoji, ref) : repository.removeReaction(m.id, emoji, ref))
                        .chain(changed -> writtenView(tenant, m).chain(view -> !changed ? Uni.createFrom().item(view)
                                : log.append(stream, add ? EventTypes.REACTION_ADDED : EventTypes.REACTION_REMOVED,
                                        seq -> view, ref).replaceWith(view)))));
    }

    // ---- views ----------------------------------------------------------------------------------------------

    /** A message of the tenant that is not deleted, or 404. */
    private Uni<MessageEntity> visible(String tenant, UUID id) {
        return repository.find(tenant, id).map(m -> {
            if (m == null || m.deleted) {
                throw ProblemException.notFound("message");
            }
            return m;
        });
    }

    /** A message of the tenant that is not deleted, its row locked for this transaction's write; or 404. */
    private Uni<MessageEntity> locked(String tenant, UUID id) {
        return repository.lock(tenant, id).map(m -> {
            if (m == null || m.deleted) {
                throw ProblemException.notFound("message");
            }
            return m;
        });
    }

    private Uni<ChannelMessage> view(String tenant, MessageEntity m) {
        return views(tenant, List.of(m), false).map(list -> list.get(0));
    }

    /** The view a write puts in its event: the quoted original is read {@code FOR SHARE} (see findAllShared). */
    private Uni<ChannelMessage> writtenView(String tenant, MessageEntity m) {
        return views(tenant, List.of(m), true).map(list -> list.get(0));
    }

    private Uni<Quote> quoteOf(String tenant, MessageEntity m) {
        if (m.replyTo == null) {
            return Uni.createFrom().nullItem();
        }
        return repository.findAllShared(tenant, List.of(m.replyTo))
                .map(found -> quote(m, found.isEmpty() ? null : found.get(0)));
    }

    private Quote quote(MessageEntity reply, MessageEntity original) {
        if (reply.replyTo == null) {
            return null;
        }
        if (original == null || original.deleted) {
            return new Quote(reply.replyTo.toString(), reply.replyToAuthor, null, true);
        }
        return new Quote(original.id.toString(), original.author, rules.excerpt(original.body), false);
    }

    /** Views of messages in the given order: reactions, attachments and quotes loaded with one query each. */
    Uni<List<ChannelMessage>> views(String tenant, List<MessageEntity> messages) {
        return views(tenant, messages, false);
    }

    private Uni<List<ChannelMessage>> views(String tenant, List<MessageEntity> messages, boolean lockOriginals) {
        if (messages.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<UUID> ids = messages.stream().map(m -> m.id).toList();
        List<UUID> originals = messages.stream().map(m -> m.replyTo).filter(r -> r != null).distinct().toList();
        return repository.reactions(ids).chain(reactions -> repository.attachmentsOf(ids).chain(attachments ->
                (lockOriginals ? repository.findAllShared(tenant, originals) : repository.findAll(tenant, originals))
                        .map(found -> {
                    Map<UUID, List<ReactionRow>> reactionsBy = ChannelRepository.byMessage(reactions);
                    Map<UUID, List<AttachmentEntity>> attachmentsBy = attachments.stream()
                            .collect(Collectors.groupingBy(a -> a.messageId));
                    Map<UUID, MessageEntity> originalsBy = found.stream()
                            .collect(Collectors.toMap(o -> o.id, Function.identity()));
                    List<ChannelMessage> out = new ArrayList<>(messages.size());
                    for (MessageEntity m : messages) {
                        out.add(toView(m, quote(m, m.replyTo == null ? null : originalsBy.get(m.replyTo)),
                                attachmentsBy.getOrDefault(m.id, List.of()), reactionsBy.getOrDefault(m.id, List.of())));
                    }
                    return out;
                })));
    }

    static ChannelMessage toView(MessageEntity m, Quote quote, List<AttachmentEntity> attachments,
                                 List<ReactionRow> reactions) {
        List<AttachmentRef> refs = m.deleted ? List.of() : attachments.stream()
                .map(a -> new AttachmentRef(a.id.toString(), a.name, a.size, a.contentType)).toList();
        return new ChannelMessage(m.id.toString(), m.seq, m.author, m.authorName, m.deleted ? "" : m.body, quote, refs,
                m.deleted ? List.of() : aggregate(reactions), m.createdAt, m.editedAt, m.deleted);
    }

    /** Reactions aggregated per emoji, emojis in order of their first reaction, {@code by} in reaction order. */
    static List<Reaction> aggregate(List<ReactionRow> rows) {
        Map<String, List<String>> byEmoji = new LinkedHashMap<>();
        for (ReactionRow r : rows) {
            byEmoji.computeIfAbsent(r.emoji(), k -> new ArrayList<>()).add(r.ref());
        }
        List<Reaction> out = new ArrayList<>(byEmoji.size());
        byEmoji.forEach((emoji, by) -> out.add(new Reaction(emoji, by.size(), List.copyOf(by))));
        return out;
    }

}
