package dev.governed.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.governed.service.web.Json;
import dev.governed.service.web.RouteTable;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenApiTest {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

    @Test
    void documentListsExactlyTheEndpointsServed(@TempDir Path dir) {
        try (ServiceFixture fixture = ServiceFixture.onH2(dir)) {
            HttpResponse<String> response = fixture.get("/v1/openapi.json", null);
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode document = Json.readTree(response.body(), "openapi");
            assertThat(document.get("openapi").asText()).startsWith("3.");
            List<RouteTable.Route> documented = new ArrayList<>();
            document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
                if (METHODS.contains(method)) {
                    documented.add(new RouteTable.Route(method, path.getKey()));
                }
            }));
            assertThat(documented).containsExactlyInAnyOrderElementsOf(fixture.service.routes());
            document.findValues("$ref").forEach(ref -> {
                String name = ref.asText().substring("#/components/schemas/".length());
                assertThat(document.get("components").get("schemas").has(name)).as(ref.asText()).isTrue();
            });
        }
    }
}
