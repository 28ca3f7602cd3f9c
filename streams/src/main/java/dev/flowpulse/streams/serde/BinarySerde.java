package dev.flowpulse.streams.serde;

import dev.flowpulse.contract.StateType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A compact binary serde for the topology's <b>internal</b> records (stores, changelogs,
 * repartition topics), which only this topology reads: a format version byte, then the fields in a
 * fixed order through {@link DataOutputStream}. Output topics stay JSON (the public contract).
 * {@code null} maps to {@code null} both ways (tombstones); a record of another format version, or
 * a truncated one, fails with Kafka's {@link SerializationException} naming the type, never the
 * payload.
 *
 * <p>Thread safe: no state but a reusable write buffer per thread (one copy per record, no growing).
 */
public final class BinarySerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    /** A write buffer per thread, reused (a buffer that grew for a large record keeps its size). */
    private static final ThreadLocal<Buffer> BUFFER = ThreadLocal.withInitial(Buffer::new);

    private static final class Buffer {
        final Bytes bytes = new Bytes();
        final DataOutputStream out = new DataOutputStream(bytes);
    }

    /**
     * A growable byte array without {@link ByteArrayOutputStream}'s locking: every write of a
     * {@link DataOutputStream} is a call on it, and an uncontended lock per call cost more than the
     * copy itself (profile in benchmarks/README.md). One thread only.
     */
    private static final class Bytes extends java.io.OutputStream {
        private byte[] buf = new byte[1024];
        private int count;

        void reset() {
            count = 0;
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(buf, count);
        }
    }

    /** Writes the fields of one value. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    /** Reads the fields written by the matching {@link Writer}. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private final String typeName;
    private final byte version;
    private final Writer<T> writer;
    private final Reader<T> reader;
    /** Readers of earlier format versions still accepted (a topic may hold their records). */
    private final Map<Byte, Reader<T>> older;

    private BinarySerde(String typeName, byte version, Writer<T> writer, Reader<T> reader, Map<Byte, Reader<T>> older) {
        this.typeName = typeName;
        this.version = version;
        this.writer = writer;
        this.reader = reader;
        this.older = Map.copyOf(older);
    }

    /**
     * The same serde, also reading records of the earlier format {@code olderVersion} (written by
     * an earlier release; this one writes only its own version).
     */
    public BinarySerde<T> readingAlso(int olderVersion, Reader<T> olderReader) {
        Map<Byte, Reader<T>> all = new HashMap<>(older);
        all.put((byte) olderVersion, olderReader);
        return new BinarySerde<>(typeName, version, writer, reader, all);
    }

    public static <T> BinarySerde<T> of(Class<T> type, int version, Writer<T> writer, Reader<T> reader) {
        return new BinarySerde<>(type.getSimpleName(), (byte) version, writer, reader, Map.of());
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            Buffer buffer = BUFFER.get();
            buffer.bytes.reset();
            DataOutputStream out = buffer.out;
            out.writeByte(version);
            writer.write(out, data);
            out.flush();
            return buffer.bytes.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize " + typeName + " for topic " + topic);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            byte found = in.readByte();
            if (found != version) {
                Reader<T> earlier = older.get(found);
                if (earlier != null) {
                    return earlier.read(in);
                }
                throw new SerializationException("Cannot deserialize " + typeName + " from topic " + topic
                        + ": format version " + found + ", expected " + version);
            }
            return reader.read(in);
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException s) {
                throw s;
            }
            throw new SerializationException("Cannot deserialize " + typeName + " from topic " + topic + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // configured by construction
    }

    @Override
    public void close() {
        // nothing to release
    }

    // Field helpers shared by the formats in InternalSerdes.

    static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** Seconds and nanos: Prefect timestamps carry microseconds, which must survive a round trip. */
    static void writeInstant(DataOutputStream out, Instant t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            out.writeLong(t.getEpochSecond());
            out.writeInt(t.getNano());
        }
    }

    static Instant readInstant(DataInputStream in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }

    /** By name, so a reordered enum cannot change a stored value's meaning. */
    static void writeType(DataOutputStream out, StateType type) throws IOException {
        writeString(out, type == null ? null : type.name());
    }

    static StateType readType(DataInputStream in) throws IOException {
        String name = readString(in);
        return name == null ? null : StateType.valueOf(name);
    }

    static void writeNullableDouble(DataOutputStream out, Double d) throws IOException {
        out.writeBoolean(d != null);
        if (d != null) {
            out.writeDouble(d);
        }
    }

    static Double readNullableDouble(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readDouble() : null;
    }

    static void writeStrings(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) {
            writeString(out, s);
        }
    }

    static List<String> readStrings(DataInputStream in) throws IOException {
        int size = in.readInt();
        List<String> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(readString(in));
        }
        return list;
    }

    /** Entries in key order, so equal maps give equal bytes (they key repartition topics). */
    static void writeStringMap(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    static Map<String, String> readStringMap(DataInputStream in) throws IOException {
        int size = in.readInt();
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < size; i++) {
            map.put(readString(in), readString(in));
        }
        return map;
    }

    /** Store values only (never keys): entries in the map's own order, no sorting copy. */
    static void writeCounts(DataOutputStream out, Map<String, Long> counts) throws IOException {
        out.writeInt(counts.size());
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            writeString(out, e.getKey());
            out.writeLong(e.getValue());
        }
    }

    static Map<String, Long> readCounts(DataInputStream in) throws IOException {
        int size = in.readInt();
        Map<String, Long> counts = new HashMap<>(size * 2);
        for (int i = 0; i < size; i++) {
            counts.put(readString(in), in.readLong());
        }
        return counts;
    }
}
