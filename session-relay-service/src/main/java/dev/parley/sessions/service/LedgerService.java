package dev.parley.sessions.service;

import dev.parley.platform.identity.Caller;
import dev.parley.platform.paging.PageRequest;
import dev.parley.sessions.config.SessionsConfig;
import dev.parley.sessions.domain.LedgerChain;
import dev.parley.sessions.repository.LedgerRepository;
import dev.parley.sessions.repository.LedgerRepository.Entry;
import dev.parley.sessions.repository.LedgerRepository.Head;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The ledger of a session stream (contract §6, ADR 0057): the hash chain over the envelopes of {@code session:<id>}
 * exactly as the stream log stores and delivers them, extended on read from the stored head and kept.
 */
@ApplicationScoped
public class LedgerService {

    private static final Logger LOG = Logger.getLogger(LedgerService.class);

    /** {@code GET /ledger}: the links after a seq, and where to continue. */
    public record LedgerPage(List<Link> items, Long nextAfter) {
    }

    /** One link as REST answers it. */
    public record Link(long seq, String sha256, String chain) {
    }

    /** {@code GET /ledger/head}. */
    public record LedgerHead(long seq, String chain) {
    }

    private final LedgerRepository repository;
    private final Sessions sessions;
    private final SessionsConfig config;

    public LedgerService(LedgerRepository repository, Sessions sessions, SessionsConfig config) {
        this.repository = repository;
        this.sessions = sessions;
        this.config = config;
    }

    public Uni<LedgerPage> page(Caller caller, UUID id, String after, String limit) {
        PageRequest request = PageRequest.of(null, after == null || after.isEmpty() ? "0" : after, limit);
        return Panache.withTransaction(() -> sessions.access(caller, id)
                .chain(access -> extend(caller.tenant(), id))
                .chain(head -> repository.after(id, request.after(), request.limit()))
                .map(entries -> new LedgerPage(entries.stream().map(e -> new Link(e.seq(), e.sha256(), e.chain()))
                        .toList(), entries.isEmpty() ? request.after() : entries.get(entries.size() - 1).seq())));
    }

    public Uni<LedgerHead> head(Caller caller, UUID id) {
        return Panache.withTransaction(() -> sessions.access(caller, id)
                .chain(access -> extend(caller.tenant(), id))
                .map(head -> new LedgerHead(head.seq(), head.chain())));
    }

    /** Chains every stored event not chained yet, {@code ledger-batch} at a time, under the head row's lock. */
    Uni<Head> extend(String tenant, UUID id) {
        String key = Sessions.stream(tenant, id).value();
        return repository.headForUpdate(id).chain(head -> extendFrom(key, id, head));
    }

    private Uni<Head> extendFrom(String key, UUID id, Head head) {
        int batch = config.ledgerBatch();
        return repository.logAfter(key, head.seq(), batch).chain(rows -> {
            List<Entry> links = new ArrayList<>(rows.size());
            long seq = head.seq();
            String chain = head.chain();
            for (LedgerRepository.Logged row : rows) {
                if (row.seq() != seq + 1) {
                    // the log never loses a session event; should one be missing, the chain stops here, visibly
                    LOG.errorf("ledger of %s: seq %d follows %d in the stream log; not chained", key, row.seq(), seq);
                    break;
                }
                LedgerChain.Link link = LedgerChain.next(chain, row.envelope());
                seq = row.seq();
                chain = link.chain();
                links.add(new Entry(seq, link.sha256(), chain));
            }
            Head moved = new Head(seq, chain);
            return repository.store(id, links).chain(() -> links.size() == batch
                    ? extendFrom(key, id, moved) : Uni.createFrom().item(moved));
        });
    }
}
