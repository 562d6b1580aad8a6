package dev.parley.platform.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the caller is read from the OIDC access token. */
@ConfigMapping(prefix = "parley.auth")
public interface AuthConfig {

    /** Claim that names the tenant. Default {@code tenant_id} (API.md §1); some IdPs use {@code org_id}. */
    @WithDefault("tenant_id")
    String tenantClaim();

    /** Claim whose presence makes a token an app token, speaking for the agents of that app. */
    @WithDefault("app_id")
    String appClaim();
}
