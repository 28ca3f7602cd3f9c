package dev.flowpulse.simulator.api;

import dev.flowpulse.simulator.events.EventStore;
import dev.flowpulse.simulator.events.EventStream;
import java.time.Clock;
import java.time.Duration;

/**
 * What every {@code /api/events/out} session shares: auth, the event table (backfill), the live
 * stream, the registry of open sessions, the fault switches and the server's limits
 * ({@code PREFECT_SERVER_EVENTS_MAXIMUM_WEBSOCKET_BACKFILL}, {@code SUBSCRIPTION_BACKLOG}).
 * Immutable; its parts are thread safe.
 */
record EventsOutContext(
        AuthPolicy auth,
        EventStore store,
        EventStream stream,
        OpenSessions sessions,
        FaultInjector faults,
        Clock clock,
        Duration backfillWindow,
        int backlog) {}
