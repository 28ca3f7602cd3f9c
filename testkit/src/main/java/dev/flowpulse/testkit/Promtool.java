package dev.flowpulse.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code promtool} (Debian package {@code prometheus}) on exposition text. The
 * project's test command installs the package; a test that cannot find it fails, it never skips.
 */
public final class Promtool {

    /** Exit code and combined output of one promtool run. */
    public record Result(int exitCode, String output) {}

    private Promtool() {}

    public static Path executable() {
        return ExternalTools.find("promtool", "prometheus");
    }

    /** {@code promtool check metrics} reading {@code exposition} on stdin. */
    public static Result checkMetrics(String exposition) {
        try {
            Process p = new ProcessBuilder(executable().toString(), "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("promtool did not finish in 60 s");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run promtool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
