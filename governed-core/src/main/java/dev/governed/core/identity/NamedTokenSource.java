package dev.governed.core.identity;

import java.util.Optional;
import java.util.function.Supplier;

/** A source defined by a description and a lookup. */
record NamedTokenSource(String description, Supplier<Optional<String>> lookup) implements TokenSource {
    @Override
    public Optional<String> token() {
        return lookup.get();
    }
}
