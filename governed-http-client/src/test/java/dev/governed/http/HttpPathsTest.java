package dev.governed.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpPathsTest {

    @ParameterizedTest
    @CsvSource({
            "'', /",
            "/, /",
            "/v1/customers/42, /v1/customers/42",
            "/v1//customers///42, /v1/customers/42",
            "/v1/./customers/42, /v1/customers/42",
            "/v1/x/../customers, /v1/customers",
            "/v1/%2e%2e/admin, /admin",
            "/v1/%2E./admin, /admin",
            "/v1/admin;a=b/users, /v1/admin/users",
            "/v1/..;x/admin, /admin",
            "/v1/%61dmin, /v1/admin",
            "/v1/a%20b, /v1/a%20b",
            "/v1/a%c3%a9, /v1/a%C3%A9",
            "/v1/customers/, /v1/customers/",
            "/v1/customers/x/.., /v1/customers/",
    })
    void normalises(String raw, String expected) throws Exception {
        assertThat(HttpPaths.normalise(raw)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/a%2fb", "/v1/a%2Fb", "/v1/%252e%252e", "/v1/%zz", "/v1/%2", "/v1/%00", "/v1/a%5cb", "/v1/..%3b/admin",
            "/v1/a\\b", "/..", "/v1/../../x", "relative"})
    void refusesWhatServersReadDifferently(String raw) {
        assertThatThrownBy(() -> HttpPaths.normalise(raw)).isInstanceOf(HttpPaths.AmbiguousPathException.class);
    }
}
