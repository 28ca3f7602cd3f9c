package dev.flowpulse.simulator.wire;

import java.time.Instant;
import java.util.Random;
import java.util.UUID;

/**
 * UUIDs as Prefect makes them (reference §0): UUIDv7 for flow runs and states (so a state-change
 * event id embeds its state's timestamp in milliseconds), UUIDv4 for flows, deployments, pools and
 * queues. Randomness comes from the caller's {@link Random}, so seeded scenarios are repeatable.
 *
 * <p>Stateless; thread safety is that of the passed {@link Random}.
 */
public final class Uuids {

    private Uuids() {}

    /** A UUIDv7 whose 48-bit millisecond timestamp is {@code at}. */
    public static UUID v7(Instant at, Random random) {
        long millis = at.toEpochMilli();
        long msb = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** A random (version 4) UUID. */
    public static UUID v4(Random random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** The millisecond timestamp embedded in a UUIDv7. */
    public static Instant v7Time(UUID uuid) {
        return Instant.ofEpochMilli(uuid.getMostSignificantBits() >>> 16);
    }
}
