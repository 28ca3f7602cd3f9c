package dev.flowpulse.runtime;

/**
 * The JVM's shutdown machinery as the {@link ServiceRunner} uses it, so tests can stand in for a
 * SIGTERM and for {@code Runtime.halt} without ending the test JVM.
 */
public interface JvmShutdown {

    void addHook(Thread hook);

    /** Removes {@code hook}; false when the JVM is already shutting down (the hook is running). */
    boolean removeHook(Thread hook);

    /** Ends the JVM with {@code status} without running further hooks. */
    void halt(int status);

    /** The real JVM. */
    static JvmShutdown system() {
        return new JvmShutdown() {
            @Override
            public void addHook(Thread hook) {
                Runtime.getRuntime().addShutdownHook(hook);
            }

            @Override
            public boolean removeHook(Thread hook) {
                try {
                    return Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    return false;
                }
            }

            @Override
            public void halt(int status) {
                Runtime.getRuntime().halt(status);
            }
        };
    }
}
