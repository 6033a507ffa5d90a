package dev.governed.core.mask;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code regex}: every match of {@code pattern} in the value's text is replaced with
 * {@code replacement} ({@code $1} group references allowed). What the pattern does not match
 * stays clear: the policy author decides what it covers. Any column type comes back as text.
 */
public final class RegexStrategy implements MaskStrategy {

    private final Pattern pattern;
    private final String replacement;

    public RegexStrategy() {
        this(null, null);
    }

    private RegexStrategy(Pattern pattern, String replacement) {
        this.pattern = pattern;
        this.replacement = replacement;
    }

    @Override
    public String type() {
        return "regex";
    }

    @Override
    public MaskStrategy init(Map<String, Object> options, MaskConfiguration configuration) {
        String regex = Options.text(options, "pattern", null);
        String with = Options.text(options, "replacement", null);
        if (regex == null || with == null) {
            throw new IllegalArgumentException("the regex mask needs both 'pattern' and 'replacement'");
        }
        try {
            return new RegexStrategy(Pattern.compile(regex), with);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("mask option 'pattern' is not a valid regular expression: "
                    + e.getDescription());
        }
    }

    @Override
    public Object mask(Object value) {
        if (pattern == null) {
            throw new IllegalStateException("regex must be configured with init before use");
        }
        return pattern.matcher(MaskText.of(value)).replaceAll(replacement);
    }
}
