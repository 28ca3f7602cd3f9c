package dev.flowpulse.simulator.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowpulse.simulator.wire.PrefectTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Prefect's {@code EventFilter} (reference §2 "EventFilter JSON"), parsed by {@link EventFilterParser}.
 * Absent optional parts are null; list criteria that are null or empty do not constrain (Python's
 * {@code if self.prefix:}). {@link #includesStored} is the database query's meaning,
 * {@link #includesLive} the live stream's, which ignores {@code related} like Prefect does.
 * Immutable.
 */
public record EventFilter(
        Instant since,
        Instant until,
        NameCriteria event,
        ResourceCriteria resource,
        List<RelatedCriteria> related,
        boolean relatedAsList,
        List<AnyResourceCriteria> anyResource,
        boolean anyResourceAsList,
        List<String> ids,
        TextQuery text,
        boolean descending) {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** {@code event}: prefix / exclude_prefix / name / exclude_name. */
    public record NameCriteria(
            List<String> prefix, List<String> excludePrefix, List<String> name, List<String> excludeName) {
        boolean includes(String event) {
            if (present(prefix) && prefix.stream().noneMatch(event::startsWith)) {
                return false;
            }
            if (present(excludePrefix) && excludePrefix.stream().anyMatch(event::startsWith)) {
                return false;
            }
            if (present(name) && !name.contains(event)) {
                return false;
            }
            return !present(excludeName) || !excludeName.contains(event);
        }
    }

    /** {@code resource}: the event's primary resource. {@code distinct} is accepted and, as in Prefect's live path, ignored. */
    public record ResourceCriteria(List<String> id, List<String> idPrefix, LabelSpec labels, boolean distinct) {
        boolean includes(Map<String, String> resource) {
            String rid = resource.get("prefect.resource.id");
            if (present(id) && !id.contains(rid)) {
                return false;
            }
            if (present(idPrefix) && idPrefix.stream().noneMatch(rid::startsWith)) {
                return false;
            }
            return labels == null || labels.isEmpty() || labels.matches(resource);
        }
    }

    /** One {@code related} criterion: some related resource must satisfy all of its parts. */
    public record RelatedCriteria(
            List<String> id, List<String> role, List<List<String>> resourcesInRoles, LabelSpec labels) {
        boolean includes(List<Map<String, String>> related) {
            boolean constrained =
                    present(id) || present(role) || present(resourcesInRoles) || (labels != null && !labels.isEmpty());
            return !constrained || related.stream().anyMatch(this::matchesOne);
        }

        private boolean matchesOne(Map<String, String> r) {
            String rid = r.get("prefect.resource.id");
            String rrole = r.getOrDefault("prefect.resource.role", "");
            if (present(id) && !id.contains(rid)) {
                return false;
            }
            if (present(role) && !role.contains(rrole)) {
                return false;
            }
            if (present(resourcesInRoles)
                    && resourcesInRoles.stream()
                            .noneMatch(p -> p.get(0).equals(rid) && p.get(1).equals(rrole))) {
                return false;
            }
            return labels == null || labels.isEmpty() || labels.matches(r);
        }
    }

    /** One {@code any_resource} criterion: the primary or some related resource must satisfy it. */
    public record AnyResourceCriteria(List<String> id, List<String> idPrefix, LabelSpec labels) {
        boolean includes(StoredEvent event) {
            if (matchesOne(event.resource())) {
                return true;
            }
            return event.related().stream().anyMatch(this::matchesOne);
        }

        private boolean matchesOne(Map<String, String> r) {
            String rid = r.getOrDefault("prefect.resource.id", "");
            if (present(id) && !id.contains(rid)) {
                return false;
            }
            if (present(idPrefix) && idPrefix.stream().noneMatch(rid::startsWith)) {
                return false;
            }
            return labels == null || labels.isEmpty() || labels.matches(r);
        }
    }

    /** The database query's view: every criterion, {@code related} included. */
    public boolean includesStored(StoredEvent e) {
        return includesLive(e) && (related == null || related.stream().allMatch(r -> r.includes(e.related())));
    }

    /**
     * The live stream's view ({@code EventFilter.includes()}): occurred (both bounds), event, resource,
     * any_resource, id and text; not related.
     */
    public boolean includesLive(StoredEvent e) {
        if (e.occurred().isBefore(since) || e.occurred().isAfter(until)) {
            return false;
        }
        if (event != null && !event.includes(e.event())) {
            return false;
        }
        if (resource != null && !resource.includes(e.resource())) {
            return false;
        }
        if (anyResource != null && !anyResource.stream().allMatch(a -> a.includes(e))) {
            return false;
        }
        if (present(ids) && !ids.contains(e.id())) {
            return false;
        }
        return text == null || text.matches(e);
    }

    /** The websocket backfill's filter: since clamped to {@code earliest}, order forced ascending. */
    public EventFilter forBackfill(Instant earliest) {
        Instant clamped = since.isBefore(earliest) ? earliest : since;
        return new EventFilter(
                clamped,
                until,
                event,
                resource,
                related,
                relatedAsList,
                anyResource,
                anyResourceAsList,
                ids,
                text,
                false);
    }

    /** Pydantic's {@code model_dump(mode="json")} of the filter, every field present: what page tokens carry. */
    public ObjectNode toPrefectJson() {
        ObjectNode dump = JSON.objectNode();
        dump.putObject("occurred").put("since", PrefectTime.format(since)).put("until", PrefectTime.format(until));
        if (event == null) {
            dump.putNull("event");
        } else {
            ObjectNode e = dump.putObject("event");
            e.set("prefix", strings(event.prefix()));
            e.set("exclude_prefix", strings(event.excludePrefix()));
            e.set("name", strings(event.name()));
            e.set("exclude_name", strings(event.excludeName()));
        }
        if (resource == null) {
            dump.putNull("resource");
        } else {
            ObjectNode r = dump.putObject("resource");
            r.set("id", strings(resource.id()));
            r.set("id_prefix", strings(resource.idPrefix()));
            r.set("labels", labels(resource.labels()));
            r.put("distinct", resource.distinct());
        }
        if (related == null) {
            dump.putNull("related");
        } else {
            ArrayNode list = JSON.arrayNode();
            for (RelatedCriteria r : related) {
                ObjectNode item = list.addObject();
                item.set("id", strings(r.id()));
                item.set("role", strings(r.role()));
                if (r.resourcesInRoles() == null) {
                    item.putNull("resources_in_roles");
                } else {
                    ArrayNode pairs = item.putArray("resources_in_roles");
                    r.resourcesInRoles().forEach(p -> pairs.add(strings(p)));
                }
                item.set("labels", labels(r.labels()));
            }
            dump.set("related", relatedAsList ? list : list.get(0));
        }
        if (anyResource == null) {
            dump.putNull("any_resource");
        } else {
            ArrayNode list = JSON.arrayNode();
            for (AnyResourceCriteria a : anyResource) {
                ObjectNode item = list.addObject();
                item.set("id", strings(a.id()));
                item.set("id_prefix", strings(a.idPrefix()));
                item.set("labels", labels(a.labels()));
            }
            dump.set("any_resource", anyResourceAsList ? list : list.get(0));
        }
        dump.putObject("id").set("id", strings(ids));
        if (text == null) {
            dump.putNull("text");
        } else {
            dump.putObject("text").put("query", text.query());
        }
        dump.put("order", descending ? "DESC" : "ASC");
        return dump;
    }

    static boolean present(List<?> list) {
        return list != null && !list.isEmpty();
    }

    private static JsonNode strings(List<String> values) {
        if (values == null) {
            return JSON.nullNode();
        }
        ArrayNode array = JSON.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static JsonNode labels(LabelSpec spec) {
        return spec == null ? JSON.nullNode() : spec.raw().deepCopy();
    }
}
