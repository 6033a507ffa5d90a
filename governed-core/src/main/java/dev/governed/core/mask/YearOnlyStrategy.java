package dev.governed.core.mask;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code year-only}: a date or timestamp becomes January 1st, 00:00 of its year, in the
 * same Java type ({@code java.sql.Date}, {@code Timestamp}, {@code LocalDate},
 * {@code LocalDateTime}, {@code OffsetDateTime}); text that starts with a year
 * ({@code 1984-06-02}) becomes that year ({@code 1984}); anything else is redacted whole.
 */
public final class YearOnlyStrategy implements MaskStrategy {

    private static final Pattern LEADING_YEAR = Pattern.compile("^(\\d{4})-\\d{2}-\\d{2}");

    @Override
    public String type() {
        return "year-only";
    }

    @Override
    public MaskStrategy init(Map<String, Object> options, MaskConfiguration configuration) {
        return this;
    }

    @Override
    public boolean masksText() {
        return false;
    }

    @Override
    public Object mask(Object value) {
        if (value instanceof Date date) {
            return Date.valueOf(LocalDate.of(date.toLocalDate().getYear(), 1, 1));
        }
        if (value instanceof Timestamp timestamp) {
            return Timestamp.valueOf(LocalDate.of(timestamp.toLocalDateTime().getYear(), 1, 1).atStartOfDay());
        }
        if (value instanceof LocalDate date) {
            return LocalDate.of(date.getYear(), 1, 1);
        }
        if (value instanceof LocalDateTime time) {
            return LocalDate.of(time.getYear(), 1, 1).atStartOfDay();
        }
        if (value instanceof OffsetDateTime time) {
            return OffsetDateTime.of(time.getYear(), 1, 1, 0, 0, 0, 0, time.getOffset());
        }
        if (value instanceof ZonedDateTime time) {
            return ZonedDateTime.of(time.getYear(), 1, 1, 0, 0, 0, 0, time.getZone());
        }
        if (value instanceof String text) {
            Matcher matcher = LEADING_YEAR.matcher(text);
            return matcher.find() ? matcher.group(1) : RedactStrategy.DEFAULT;
        }
        return RedactStrategy.DEFAULT;
    }
}
