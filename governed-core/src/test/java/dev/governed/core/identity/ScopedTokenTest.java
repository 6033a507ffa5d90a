package dev.governed.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ScopedTokenTest {

    @Test
    void noTokenOutsideAScope() {
        assertThat(ScopedToken.current()).isEmpty();
    }

    @Test
    void tokenIsVisibleInsideTheCallAndGoneAfter() throws Exception {
        String seen = ScopedToken.call("t1", () -> ScopedToken.current().orElseThrow());

        assertThat(seen).isEqualTo("t1");
        assertThat(ScopedToken.current()).isEmpty();
    }

    @Test
    void nestedCallsSeeTheInnerTokenAndRestoreTheOuter() throws Exception {
        ScopedToken.call("outer", () -> {
            ScopedToken.run("inner", () -> assertThat(ScopedToken.current()).contains("inner"));
            assertThat(ScopedToken.current()).contains("outer");
            return null;
        });

        assertThat(ScopedToken.current()).isEmpty();
    }

    @Test
    void outerTokenIsRestoredWhenTheInnerCallThrows() {
        ScopedToken.run("outer", () -> {
            assertThatThrownBy(() -> ScopedToken.run("inner", () -> {
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            assertThat(ScopedToken.current()).contains("outer");
        });

        assertThat(ScopedToken.current()).isEmpty();
    }

    @Test
    void otherThreadsDoNotSeeTheToken() throws Exception {
        Optional<String> elsewhere = ScopedToken.call("mine",
                () -> CompletableFuture.supplyAsync(ScopedToken::current).get());

        assertThat(elsewhere).isEmpty();
    }

    @Test
    void blankTokenIsRejected() {
        assertThatThrownBy(() -> ScopedToken.run(" ", () -> {})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScopedToken.run(null, () -> {})).isInstanceOf(NullPointerException.class);
    }
}
