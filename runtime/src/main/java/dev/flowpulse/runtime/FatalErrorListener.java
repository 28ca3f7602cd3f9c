package dev.flowpulse.runtime;

/**
 * Where a running {@link Service} reports an error it cannot recover from (a dead Kafka Streams
 * client, a consumer thread that ended, an uncaught exception). The {@link ServiceRunner} answers
 * by closing every service and ending the process with status 1; a service never exits itself.
 *
 * <p>Implementations are thread safe: services call them from their own threads, possibly more
 * than once; only the first report counts.
 */
@FunctionalInterface
public interface FatalErrorListener {

    void onFatalError(String service, Throwable error);
}
