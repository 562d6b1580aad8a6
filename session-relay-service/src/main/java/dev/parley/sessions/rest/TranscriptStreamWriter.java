package dev.parley.sessions.rest;

import io.smallrye.mutiny.subscription.MultiSubscriber;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerHttpResponse;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyWriter;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.concurrent.Flow;

/**
 * Writes a {@link TranscriptStream} as a chunked response, one piece at a time with backpressure (the next piece is
 * requested when the previous write completed), so a 10 MiB transcript never sits in memory as one string. (Quarkus
 * REST's own {@code Multi} streaming appends a newline after every item, which would corrupt a JSON string.)
 */
@Provider
@Produces(MediaType.APPLICATION_JSON)
public class TranscriptStreamWriter implements ServerMessageBodyWriter<TranscriptStream> {

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo target, MediaType mediaType) {
        return TranscriptStream.class.isAssignableFrom(type);
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return TranscriptStream.class.isAssignableFrom(type);
    }

    @Override
    public void writeResponse(TranscriptStream stream, Type genericType, ServerRequestContext context) {
        ServerHttpResponse response = context.serverResponse();
        response.setChunked(true);
        response.setResponseHeader("Content-Type", MediaType.APPLICATION_JSON);
        stream.pieces().subscribe().withSubscriber(new MultiSubscriber<byte[]>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onItem(byte[] bytes) {
                response.write(bytes).whenComplete((ok, error) -> {
                    if (error != null) {
                        subscription.cancel();
                        response.reset();
                    } else {
                        subscription.request(1);
                    }
                });
            }

            @Override
            public void onFailure(Throwable failure) {
                // the head is written already: all we can do is cut the response so the client sees it incomplete
                response.reset();
            }

            @Override
            public void onCompletion() {
                response.end();
            }
        });
    }

    @Override
    public void writeTo(TranscriptStream stream, Class<?> type, Type genericType, Annotation[] annotations,
                        MediaType mediaType, MultivaluedMap<String, Object> headers, OutputStream out) {
        throw new UnsupportedOperationException("only written reactively");
    }
}
