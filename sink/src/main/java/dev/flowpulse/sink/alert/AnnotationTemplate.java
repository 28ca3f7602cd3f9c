package dev.flowpulse.sink.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The annotation templates of the rules file: text with {@code {{ .name }}} placeholders, replaced
 * by the alert's value for {@code name} (a label, {@code value}, {@code threshold}, {@code window}).
 * Deliberately not Go templates: no functions, no pipelines, nothing that can fail at evaluation
 * time. Stateless.
 */
public final class AnnotationTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*\\.([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private AnnotationTemplate() {}

    /** The names the template refers to, or a problem description if it has a malformed {@code {{ }}}. */
    static List<String> names(String template, List<String> malformed) {
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder rest = new StringBuilder();
        while (m.find()) {
            names.add(m.group(1));
            m.appendReplacement(rest, "");
        }
        m.appendTail(rest);
        if (rest.indexOf("{{") >= 0 || rest.indexOf("}}") >= 0) {
            malformed.add("only {{ .name }} placeholders are supported");
        }
        return names;
    }

    /** Replaces every placeholder; names without a value (never after validation) become "". */
    public static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
        }
        m.appendTail(out);
        return out.toString();
    }
}
