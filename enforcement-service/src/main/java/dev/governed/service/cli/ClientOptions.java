package dev.governed.service.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the service is and whose token to call it with; flags win over GOVERNED_SERVER / GOVERNED_TOKEN. */
final class ClientOptions {
    @Option(names = "--server", paramLabel = "URL", description = "Service base URL (default: $GOVERNED_SERVER or http://127.0.0.1:8080)")
    String server;

    @Option(names = "--token", paramLabel = "JWT", description = "Bearer token (default: $GOVERNED_TOKEN)")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the bearer token")
    Path tokenFile;

    ServiceClient client() {
        String base = server != null ? server : System.getenv().getOrDefault("GOVERNED_SERVER", "http://127.0.0.1:8080");
        return new ServiceClient(URI.create(base), token());
    }

    private String token() {
        if (token != null) {
            return token;
        }
        if (tokenFile != null) {
            try {
                return Files.readString(tokenFile).trim();
            } catch (IOException e) {
                throw CliException.unreadable("the --token-file", tokenFile, e);
            }
        }
        return System.getenv("GOVERNED_TOKEN");
    }
}
