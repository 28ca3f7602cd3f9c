package dev.flowpulse.simulator.wire;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Prefect's two datetime renderings (reference §0): model fields as pydantic writes them
 * ({@code 2026-05-04T09:05:09.874120Z}, no fraction when the microseconds are zero) and the
 * {@code prefect.state-timestamp} label as Python's {@code isoformat()} ({@code +00:00} suffix).
 * Prefect keeps microsecond precision, so everything is truncated to micros first.
 *
 * <p>Stateless and thread safe.
 */
public final class PrefectTime {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private PrefectTime() {}

    /** Pydantic's JSON form of a UTC datetime: {@code Z} suffix, 6-digit fraction only when micros ≠ 0. */
    public static String format(Instant instant) {
        return render(instant) + "Z";
    }

    /** Python's {@code datetime.isoformat()} of a UTC datetime: {@code +00:00} suffix. */
    public static String isoformat(Instant instant) {
        return render(instant) + "+00:00";
    }

    /** Drops sub-microsecond precision, as Prefect's datetimes have none. */
    public static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Parses ISO-8601 with any offset ({@code Z}, {@code +00:00}, {@code +02:00}); a naive datetime
     * is taken as UTC, as Prefect does.
     *
     * @throws IllegalArgumentException when the text is not an ISO-8601 datetime
     */
    public static Instant parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("datetime is null");
        }
        String t = text.trim();
        try {
            return micros(OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant());
        } catch (DateTimeParseException offsetMissing) {
            try {
                return micros(LocalDateTime.parse(t, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                        .toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("Input should be a valid datetime, got '" + text + "'");
            }
        }
    }

    /** Seconds as Prefect serializes a timedelta ({@code ser_json_timedelta="float"}). */
    public static double seconds(long micros) {
        return micros / 1_000_000.0;
    }

    /** Microseconds between two instants (b − a). */
    public static long microsBetween(Instant a, Instant b) {
        return ChronoUnit.MICROS.between(a, b);
    }

    private static String render(Instant instant) {
        Instant t = micros(instant);
        LocalDateTime utc = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        int micros = t.getNano() / 1000;
        String base = SECONDS.format(utc);
        return micros == 0 ? base : base + "." + String.format("%06d", micros);
    }
}
