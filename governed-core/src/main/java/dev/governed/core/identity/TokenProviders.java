package dev.governed.core.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;

/** Finds the {@link TokenProvider} named by {@code governed.token.provider}. */
public final class TokenProviders {

    public static final String PROVIDER_SETTING = "governed.token.provider";

    private TokenProviders() {}

    public static TokenProvider create(String type, Function<String, String> settings) {
        List<String> known = new ArrayList<>();
        for (TokenProvider.Factory each : ServiceLoader.load(TokenProvider.Factory.class,
                TokenProviders.class.getClassLoader())) {
            if (each.type().equals(type)) {
                return each.create(settings);
            }
            known.add(each.type());
        }
        throw new IllegalArgumentException("unknown " + PROVIDER_SETTING + " '" + type + "'; available: " + known
                + ". A custom provider implements TokenProvider.Factory and is listed in"
                + " META-INF/services/dev.governed.core.identity.TokenProvider$Factory");
    }

    /** The provider {@code governed.token.provider} names, configured from the other settings; empty when none is set. */
    public static java.util.Optional<TokenProvider> configured(dev.governed.core.GovernedSettings settings) {
        return settings.get(PROVIDER_SETTING).map(type -> create(type, key -> settings.get(key).orElse(null)));
    }

    /** A provider as a token source, for the precedence chain. */
    public static TokenSource asSource(TokenProvider provider) {
        return new TokenSource() {
            @Override
            public java.util.Optional<String> token() {
                return provider.token();
            }

            @Override
            public String description() {
                return provider.description();
            }
        };
    }
}
