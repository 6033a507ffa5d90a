package dev.governed.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import dev.governed.audit.chain.Checkpoint;
import dev.governed.audit.verify.WitnessedHead;
import dev.governed.service.web.Json;
import java.net.URI;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An enforcement service that {@code audit verify} reads from: its base URL (the whole trail, keys from
 * {@code /v1/audit/keys}), or for compatibility a full export URL. The token comes from {@code --token} and friends.
 */
record ServiceSource(String base, String exportPath) {

    static ServiceSource parse(String text) {
        if (!text.startsWith("http://") && !text.startsWith("https://")) {
            return null;
        }
        URI uri = URI.create(text);
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.isEmpty() || path.equals("/")) {
            return new ServiceSource(base, "/v1/audit/export?format=jsonl");
        }
        return new ServiceSource(base, path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    private ServiceClient client(ClientOptions options) {
        ClientOptions copy = new ClientOptions();
        copy.server = base;
        copy.token = options.token;
        copy.tokenFile = options.tokenFile;
        return copy.client();
    }

    Path download(ClientOptions options, Path target) {
        return client(options).download(exportPath, Map.of(), target);
    }

    JWKSet keys(ClientOptions options) {
        String text = client(options).get("/v1/audit/keys", Map.of());
        try {
            JWKSet keys = JWKSet.parse(text);
            if (keys.getKeys().isEmpty()) {
                throw new CliException("the service at " + base + " publishes no audit keys; give --keys");
            }
            return keys;
        } catch (ParseException e) {
            throw new CliException("the service at " + base + " answered /v1/audit/keys with no JWK Set: " + e.getMessage());
        }
    }

    List<WitnessedHead> witnessedHeads(ClientOptions options) {
        JsonNode body = Json.readTree(client(options).get("/v1/audit/witness", Map.of()), "witness response");
        List<WitnessedHead> result = new ArrayList<>();
        for (JsonNode each : body.path("heads")) {
            JsonNode origin = each.path("origin");
            result.add(new WitnessedHead(Checkpoint.fromTree(each.path("checkpoint")), origin.isTextual() ? origin.textValue() : null));
        }
        return result;
    }
}
