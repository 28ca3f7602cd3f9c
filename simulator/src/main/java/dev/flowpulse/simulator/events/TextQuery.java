package dev.flowpulse.simulator.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prefect's event text search ({@code EventTextFilter}, {@code text_search_parser}): whitespace
 * separated terms, {@code "quoted phrases"}, {@code -term} / {@code !term} excluded, {@code +term}
 * required, everything else any-of. Case-insensitive substring matching over the event name,
 * resource and related label values and the payload text. Immutable.
 */
public record TextQuery(String query, List<String> include, List<String> exclude, List<String> required) {

    public static TextQuery parse(String query) {
        List<String> include = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        List<String> required = new ArrayList<>();
        int i = 0;
        while (i < query.length()) {
            char c = query.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            List<String> target = include;
            if ((c == '-' || c == '!' || c == '+')
                    && i + 1 < query.length()
                    && !Character.isWhitespace(query.charAt(i + 1))) {
                target = c == '+' ? required : exclude;
                i++;
            }
            String term;
            if (query.charAt(i) == '"') {
                int end = query.indexOf('"', i + 1);
                end = end < 0 ? query.length() : end;
                term = query.substring(i + 1, end);
                i = Math.min(query.length(), end + 1);
            } else {
                int end = i;
                while (end < query.length() && !Character.isWhitespace(query.charAt(end))) {
                    end++;
                }
                term = query.substring(i, end);
                i = end;
            }
            if (!term.isEmpty()) {
                target.add(term.toLowerCase(Locale.ROOT));
            }
        }
        return new TextQuery(query, List.copyOf(include), List.copyOf(exclude), List.copyOf(required));
    }

    public boolean matches(StoredEvent event) {
        StringBuilder text = new StringBuilder(event.event());
        event.resource().values().forEach(v -> text.append(' ').append(v));
        event.related().forEach(r -> r.values().forEach(v -> text.append(' ').append(v)));
        text.append(' ').append(event.payloadText());
        String searchable = text.toString().toLowerCase(Locale.ROOT);
        if (!include.isEmpty() && include.stream().noneMatch(searchable::contains)) {
            return false;
        }
        if (exclude.stream().anyMatch(searchable::contains)) {
            return false;
        }
        return required.stream().allMatch(searchable::contains);
    }
}
