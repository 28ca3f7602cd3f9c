package dev.flowpulse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.testkit.Promtool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real {@code promtool} (Debian package {@code prometheus}) accepts the shipped Prometheus
 * rules and passes their unit tests ({@code deploy/prometheus/flowpulse-rules.test.yml}), and
 * lints every family the sink serves, the alerting and cardinality-guard metrics included.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrometheusRulesIT {

    static final Path RULES_DIR = Path.of("..", "deploy", "prometheus");

    @Test
    void shouldAcceptTheRulesFile() throws Exception {
        Promtool.Result result = promtool("check", "rules", "flowpulse-rules.yml");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: 12 rules found");
    }

    @Test
    void shouldPassTheRuleUnitTests() throws Exception {
        Promtool.Result result = promtool("test", "rules", "flowpulse-rules.test.yml");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED").doesNotContain("WARNING");
    }

    @Test
    void shouldLintEveryFamilyTheSinkServesIncludingAlertingAndTheGuard() {
        Promtool.Result result = Promtool.checkMetrics(
                ServedMetricNamesTest.registryWithEverything().scrape());

        assertThat(result.output()).isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    private static Promtool.Result promtool(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = Promtool.executable().toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command)
                .directory(RULES_DIR.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("promtool did not finish in 60 s");
        }
        return new Promtool.Result(p.exitValue(), out);
    }
}
