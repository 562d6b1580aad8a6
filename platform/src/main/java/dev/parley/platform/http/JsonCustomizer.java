package dev.parley.platform.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.events.Json;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** REST bodies are written exactly like events: {@link Json#configure(ObjectMapper)}. */
@Singleton
public class JsonCustomizer implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        Json.configure(mapper);
    }
}
