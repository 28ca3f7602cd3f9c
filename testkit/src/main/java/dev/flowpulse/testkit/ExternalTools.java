package dev.flowpulse.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds real programs (promtool, alertmanager, kcat) on PATH, failing with the package to install. */
public final class ExternalTools {

    private ExternalTools() {}

    public static Path find(String program, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(program + " not found on PATH: install the Debian package '" + debianPackage
                + "' (the project's test command, ./run-tests.sh, does this)");
    }
}
