package dev.parley.platform.http;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** HTTP limits shared by every service. */
@ConfigMapping(prefix = "parley.http")
public interface HttpConfig {

    /**
     * Largest JSON request body, in bytes (API.md §7: 1 MiB). Larger JSON bodies answer 413 {@code request.too_large}
     * before they are read. Multipart uploads have their own cap in the owning service.
     */
    @WithDefault("1M")
    MemorySize jsonMaxBody();
}
