package dev.parley.channel.rest;

import dev.parley.channel.domain.FileNames;
import dev.parley.channel.domain.MessageRules;
import dev.parley.channel.service.AttachmentService;
import dev.parley.platform.identity.CurrentCaller;
import dev.parley.platform.idempotency.Idempotency;
import dev.parley.platform.problem.ProblemException;
import io.quarkus.security.Authenticated;
import dev.parley.platform.identity.Caller;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.core.StreamingOutput;
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
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.util.UUID;

/** Channel attachments (API.md §4): multipart upload, streamed download to members of the tenant. */
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
     * {@code Content-Disposition: attachment} with {@code nosniff}.
     */
    @GET
    @Path("{id}")
    @Blocking
    @Produces(MediaType.WILDCARD)
    public Response download(@RestPath String id) {
        Caller who = caller.get();
        who.userRef();
        UUID uuid = MessageRules.parse(id);
        if (uuid == null) {
            throw ProblemException.notFound("attachment");
        }
        AttachmentService.StoredFile file = attachments.findBlocking(who, uuid);
        InputStream in = attachments.open(file);
        StreamingOutput body = out -> {
            try (in) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, file.contentType())
                .header("Content-Disposition", FileNames.contentDisposition(file.name()))
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "private, no-store")
                .build();
    }
}
