package dev.flowpulse.runtime;

import java.util.List;
import java.util.Map;

/**
 * Turns the environment into a process's services, in start order, without starting anything.
 * It reads and validates every variable first and throws one {@link
 * dev.flowpulse.contract.ConfigException} naming every problem (see {@link ConfigCheck}).
 */
@FunctionalInterface
public interface ServiceAssembler {

    List<Service> assemble(Map<String, String> env);
}
