package dev.parley.channel.rest;

import dev.parley.channel.domain.FileNames;
import dev.parley.channel.domain.InlineImages;
import dev.parley.channel.domain.MessageRules;
import dev.parley.channel.service.AttachmentService;
import dev.parley.platform.identity.CurrentCaller;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.problem.ProblemException;
import io.quarkus.security.Authenticated;
import dev.parley.platform.identity.Caller;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.util.UUID;

/** Channel attachments (contract §4): multipart upload, streamed download to members of the tenant. */
@Path("/api/attachments")
@Authenticated
public class AttachmentResource {

    private final CurrentCaller caller;
    private final AttachmentService attachments;

    public AttachmentResource(CurrentCaller caller, AttachmentService attachments) {
        this.caller = caller;
        this.attachments = attachments;
    }

    /** Multipart field {@code file} → 201 {@code {"id","name","size","contentType","sha256"}}. */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> upload(@RestForm("file") FileUpload file, @RestHeader(Idempotency.HEADER) String key) {
        caller.get().userRef();
        if (file == null || file.uploadedFile() == null) {
            throw ProblemException.invalid("a multipart field 'file' is required");
        }
        return attachments.upload(caller.get(), file.uploadedFile(), file.fileName(), file.size(), key);
    }

    /**
     * The bytes, streamed from the blob store in the worker thread (never loaded whole), as
     * {@code Content-Disposition: attachment} with {@code nosniff} and {@code Content-Security-Policy: sandbox}.
     * {@code ?disposition=inline} is honoured for PNG, JPEG, GIF and WebP only, decided by the first bytes
     * ({@link InlineImages}); everything else stays an attachment (ADR 0037).
     */
    @GET
    @Path("{id}")
    @Blocking
    @Produces(MediaType.WILDCARD)
    public Response download(@RestPath String id, @RestQuery String disposition) {
        Caller who = caller.get();
        who.userRef();
        Boolean inline = InlineImages.wantsInline(disposition);
        if (inline == null) {
            throw ProblemException.invalid("disposition must be 'inline' or 'attachment'");
        }
        UUID uuid = MessageRules.parse(id);
        if (uuid == null) {
            throw ProblemException.notFound("attachment");
        }
        AttachmentService.StoredFile file = attachments.findBlocking(who, uuid);
        InputStream in = attachments.open(file);
        byte[] head = new byte[InlineImages.HEAD];
        int n;
        try {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            close(in);
            throw ProblemException.unavailable("the attachment store is unreachable", 5);
        }
        String inlineType = inline ? InlineImages.inlineType(file.contentType(), head, n) : null;
        int headLength = n;
        StreamingOutput body = out -> {
            try (in) {
                out.write(head, 0, headLength);
                in.transferTo(out);
            }
        };
        return Response.ok(body, inlineType != null ? inlineType : file.contentType())
                .header("Content-Disposition",
                        FileNames.contentDisposition(inlineType != null ? "inline" : "attachment", file.name()))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox")
                .header("Cache-Control", "private, no-store")
                .build();
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the read already failed
        }
    }
}
