package dev.flowpulse.benchmarks;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording's {@code jdk.ExecutionSample} events and prints the hottest methods: by
 * top frame (self time), by package of the top frame, flowpulse methods and libraries by inclusive
 * time (anywhere on the stack). Java 17's {@code jfr} tool has no {@code view hot-methods}; this is it.
 *
 * <p>Usage: {@code JfrHotMethods <file.jfr> [top=10] [thread-name-contains]}.
 */
public final class JfrHotMethods {

    private JfrHotMethods() {}

    public static void main(String[] args) throws Exception {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String thread = args.length > 2 ? args[2] : "";
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> packages = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> libraries = new HashMap<>();
        long samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            String threadName = event.getThread("sampledThread") == null
                    ? ""
                    : String.valueOf(event.getThread("sampledThread").getJavaName());
            if (!threadName.contains(thread)) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            RecordedFrame first = frames.get(0);
            self.merge(method(first), 1L, Long::sum);
            packages.merge(packageOf(first), 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String m = method(frame);
                if (m.startsWith("dev.flowpulse.") && seen.add(m)) {
                    inclusive.merge(m, 1L, Long::sum);
                }
                String library = library(frame);
                if (seen.add(library)) {
                    libraries.merge(library, 1L, Long::sum);
                }
            }
        }
        System.out.printf("%d execution samples%s%n", samples, thread.isEmpty() ? "" : " on threads ~ " + thread);
        print("Top frames (self)", self, samples, top);
        print("Packages of the top frame", packages, samples, top);
        print("flowpulse methods anywhere on the stack (inclusive)", inclusive, samples, top);
        print("Libraries anywhere on the stack (inclusive, first four package segments)", libraries, samples, top);
    }

    private static void print(String title, Map<String, Long> counts, long total, int top) {
        System.out.printf("%n%s%n", title);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String library(RecordedFrame frame) {
        String[] parts = packageOf(frame).split("\\.");
        return "lib " + String.join(".", java.util.Arrays.copyOf(parts, Math.min(4, parts.length)));
    }

    private static String packageOf(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        int dot = type.lastIndexOf('.');
        return dot < 0 ? "(default)" : type.substring(0, dot);
    }
}
